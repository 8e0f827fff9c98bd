import path from "node:path";
import { ToolSetupError } from "./setup-error";
import { shellQuote } from "./shell-quote";

/**
 * An `archive_command` that copies `%p` into `archiveDir` as `%f` without ever overwriting:
 * - the target exists → succeed only if it is byte-identical (a retried archive after a crash),
 *   otherwise fail so PostgreSQL keeps the segment and logs the conflict;
 * - else copy to a hidden temp name, fsync it, rename it into place, fsync the directory,
 *   so a crash never leaves a truncated segment under its real name;
 * - umask 077 first: the copy is readable by the server's OS user only, whatever the server's
 *   umask or the segment's mode (a data folder with group access has 0640 segments).
 */
export function buildArchiveCommand(archiveDir: string): string {
  assertSafeArchiveDir(archiveDir);
  // PostgreSQL expands %p/%f/%% in the whole string, so a literal % in the path must be doubled.
  const dir = shellQuote(archiveDir).replaceAll("%", "%%");
  return [
    `umask 077; dir=${dir}; f=%f; tmp="$dir/.$f.tmp";`,
    `if test -e "$dir/$f"; then cmp -s "%p" "$dir/$f";`,
    `else cp "%p" "$tmp" && sync "$tmp" && mv "$tmp" "$dir/$f" && sync "$dir"; fi`,
  ].join(" ");
}

function assertSafeArchiveDir(archiveDir: string): void {
  if (/[\n\r\0]/.test(archiveDir)) {
    throw new ToolSetupError(
      `The archive directory ${JSON.stringify(archiveDir)} contains a newline or NUL character; ` +
        "choose a WALDEN_HOME without them.",
    );
  }
  // The archiver runs with the data directory as its working directory.
  if (!path.isAbsolute(archiveDir)) {
    throw new ToolSetupError(`The archive directory must be an absolute path, got ${archiveDir}.`);
  }
}
