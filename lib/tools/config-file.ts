// postgresql.conf syntax, written in one place: what the sandbox appends to its servers'
// configuration files. (lib/restore/recovery-config.ts still has its own copy of settingLine.)

export type Settings = Record<string, string | number | boolean>;

/** One line; strings single-quoted with quotes doubled and backslashes escaped. */
export function settingLine(key: string, value: string | number | boolean): string {
  if (typeof value === "number" || typeof value === "boolean") return `${key} = ${String(value)}`;
  const quoted = value.replaceAll("\\", "\\\\").replaceAll("'", "''");
  return `${key} = '${quoted}'`;
}

/** A titled block to append to postgresql.conf or postgresql.auto.conf: the last line for a setting wins. */
export function settingsBlock(title: string, settings: Settings): string {
  const lines = Object.entries(settings).map(([key, value]) => settingLine(key, value));
  return `\n# ${title}\n${lines.join("\n")}\n`;
}

/** An item of a list setting (unix_socket_directories): one with a space or comma is double-quoted. */
export function listItem(value: string): string {
  return /[\s,]/.test(value) ? `"${value}"` : value;
}
