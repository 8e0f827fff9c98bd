// The one quoting for text that a shell will read: the archive_command a server runs, the
// restore_command and the runbook's commands a person pastes.

/** Quote one word for a POSIX shell: wrap in single quotes, and spell each ' as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
