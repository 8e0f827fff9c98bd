import path from "node:path";
import { isWithin } from "@/lib/paths";
import { shellQuote } from "@/lib/tools/shell-quote";
import type { RecoveryAction, RestoreTarget } from "@/lib/schemas/restore";

// The settings a restored instance starts with, written at the end of its postgresql.auto.conf
// (the last setting wins). Shared by the executor and the break-glass runbook, so what Walden
// does and what the runbook tells a person to do are the same.

/** postgresql.conf string syntax: single quotes doubled, backslashes escaped. */
export function settingLine(key: string, value: string | number | boolean): string {
  if (typeof value === "number" || typeof value === "boolean") return `${key} = ${String(value)}`;
  const quoted = value.replaceAll("\\", "\\\\").replaceAll("'", "''");
  return `${key} = '${quoted}'`;
}

/**
 * Copies a segment out of Walden's archive; `cp` fails for a missing file, which is how
 * recovery learns it reached the end of the archive. PostgreSQL expands %f/%p/%% in the whole
 * string, so a literal % in the folder is doubled.
 */
export function restoreCommand(archiveDir: string): string {
  if (!archiveDir.startsWith("/") || /[\n\r\0]/.test(archiveDir))
    throw new Error(`the archive folder must be an absolute path without line breaks: ${archiveDir}`);
  return `cp ${shellQuote(archiveDir).replaceAll("%", "%%")}/"%f" "%p"`;
}

/** recovery_target_* for a target; "latest" sets none (replay everything archived). */
export function targetSettings(target: RestoreTarget): Record<string, string | boolean> {
  switch (target.type) {
    case "time":
      // Always with an explicit offset: the server would read a bare time in its own zone.
      return {
        recovery_target_time: target.value.replace("T", " ").replace(/Z$/, "+00"),
        recovery_target_inclusive: target.inclusive,
      };
    case "lsn":
      return { recovery_target_lsn: target.value, recovery_target_inclusive: target.inclusive };
    case "xid":
      return { recovery_target_xid: target.value, recovery_target_inclusive: target.inclusive };
    case "name":
      return { recovery_target_name: target.value };
    case "immediate":
      return { recovery_target: "immediate" };
    case "latest":
      return {};
  }
}

/**
 * The source's hooks and workers, switched off in every copy (with archive_mode = off):
 * archive_cleanup_command would delete archived WAL at each restartpoint and
 * recovery_end_command runs once recovery ends; with no logical replication worker a
 * subscription of the source never connects to its publisher; TimescaleDB's job scheduler
 * stays idle (a placeholder where the library is not loaded).
 */
export const ISOLATION_SETTINGS: Readonly<Record<string, string | number>> = {
  archive_cleanup_command: "",
  recovery_end_command: "",
  max_logical_replication_workers: 0,
  "timescaledb.max_background_workers": 0,
};

export interface RecoverySettingsInput {
  archiveDir: string;
  target: RestoreTarget;
  action: RecoveryAction;
  /** recovery_target_timeline: "latest", "current" or a number. */
  timeline: string;
  port: number;
  socketDir: string;
  clusterName: string;
}

/** Everything appended to postgresql.auto.conf, in order. */
export function recoverySettings(input: RecoverySettingsInput): Record<string, string | number | boolean> {
  return {
    restore_command: restoreCommand(input.archiveDir),
    ...targetSettings(input.target),
    // Without a target recovery ends at the end of the archive and promotes whatever the action says.
    ...(input.target.type === "latest" ? {} : { recovery_target_action: input.action }),
    recovery_target_timeline: input.timeline,
    // A restored copy must never archive into the source's archive: a new timeline would mix in.
    archive_mode: "off",
    archive_command: "",
    ...ISOLATION_SETTINGS,
    // Nothing of the source's replication setup may follow the copy.
    primary_conninfo: "",
    primary_slot_name: "",
    port: input.port,
    listen_addresses: "127.0.0.1",
    unix_socket_directories: input.socketDir,
    hot_standby: "on",
    cluster_name: input.clusterName,
    logging_collector: "off",
    log_destination: "stderr",
    // The source's synchronous standbys do not exist here: commits must not wait for them.
    synchronous_standby_names: "",
  };
}

/**
 * The copy's own files, not the source's: Debian keeps pg_hba.conf, pg_ident.conf and the pid
 * file under /etc and /run, and a source's certificates may not exist on this host.
 */
export function ownFileSettings(dataDir: string, serverMajor: number): Record<string, string> {
  return {
    hba_file: `${dataDir}/pg_hba.conf`,
    ident_file: `${dataDir}/pg_ident.conf`,
    external_pid_file: "",
    ssl: "off",
    // Before 15 the statistics collector wrote here; two servers sharing the source's folder collide.
    ...(serverMajor <= 14 ? { stats_temp_directory: "pg_stat_tmp" } : {}),
  };
}

export function renderSettings(title: string, settings: Record<string, string | number | boolean>): string {
  const lines = Object.entries(settings).map(([key, value]) => settingLine(key, value));
  return `\n# ${title}\n${lines.join("\n")}\n`;
}

/** pg_hba.conf of a restored instance: the OS user through the private socket, passwords over 127.0.0.1. */
export function restoredHba(): string {
  return [
    "# Written by Walden for a restored instance.",
    "# local: Walden's worker, through a socket folder only the server's OS user can open.",
    "local all all trust",
    "# TCP: the source's roles with their own passwords, from this host only.",
    // md5 also accepts SCRAM-stored passwords, so either kind of source role can log in.
    "host all all 127.0.0.1/32 md5",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// An isolated copy: what of the source's own configuration must not act from a restored copy.

/**
 * Settings naming files of the source's host. data_directory in the copied postgresql.conf
 * would even start the copy on the source's own data directory; the others are overridden
 * below (hba_file, ident_file, external_pid_file) or may only be given on the command line.
 */
export const OUTSIDE_FILE_SETTINGS = [
  "data_directory",
  "config_file",
  "hba_file",
  "ident_file",
  "external_pid_file",
] as const;

/** Config files a person may have symlinked to the source's /etc: written through, they would change it. */
export const OWN_CONFIG_FILES = [
  "postgresql.conf",
  "postgresql.auto.conf",
  "pg_hba.conf",
  "pg_ident.conf",
] as const;

/** Directives that read another file; kept only when that file lies inside the copy. */
export const INCLUDE_DIRECTIVES = ["include", "include_dir", "include_if_exists"] as const;

/**
 * Libraries whose background workers act on their own: scheduled jobs (pg_cron 1.4 has no
 * switch to keep its scheduler idle), a pglogical subscriber connecting to its provider,
 * pg_partman's maintenance. A copy does not preload them; every other library stays, so
 * extensions load and the data reads as on the source.
 */
export const BACKGROUND_JOB_LIBRARIES = ["pg_cron", "pglogical", "pg_partman_bgw"] as const;

const CONF_LINE = /^\s*([A-Za-z_][A-Za-z0-9_.$-]*)\s*(?:=\s*|\s+)(.*)$/;

/** The value of a postgresql.conf line: a quoted string (with '' and \ escapes) or a bare word. */
export function confValue(rest: string): string {
  const text = rest.trim();
  if (!text.startsWith("'")) return text.split(/\s|#/)[0] ?? "";
  let value = "";
  for (let i = 1; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === "\\" && i + 1 < text.length) {
      value += text[i + 1];
      i += 1;
    } else if (char === "'") {
      if (text[i + 1] !== "'") return value;
      value += "'";
      i += 1;
    } else value += char;
  }
  return value;
}

/**
 * A copied postgresql.conf (or postgresql.auto.conf) with every line that reaches outside the
 * copy commented out, each with the reason: OUTSIDE_FILE_SETTINGS always, an include directive
 * when its file (relative to `confDir`, the folder of the file) lies outside `copyRoot`.
 */
export function neutraliseConf(
  text: string,
  confDir: string,
  copyRoot: string,
): { text: string; commented: string[] } {
  const commented: string[] = [];
  const lines = text.split("\n").map((line) => {
    const match = CONF_LINE.exec(line);
    if (!match || line.trimStart().startsWith("#")) return line;
    const name = match[1]!.toLowerCase();
    let reason: string | null = null;
    if ((OUTSIDE_FILE_SETTINGS as readonly string[]).includes(name))
      reason = "names a file of the source's host";
    else if ((INCLUDE_DIRECTIVES as readonly string[]).includes(name)) {
      const target = confValue(match[2]!);
      if (!isWithin(copyRoot, path.posix.resolve(confDir, target))) reason = "reads a file outside this copy";
    }
    if (!reason) return line;
    commented.push(line.trim());
    return `# Walden (restored copy): ${reason}: ${line.trim()}`;
  });
  return { text: lines.join("\n"), commented };
}

/** shared_preload_libraries as the server reads it: comma-separated, each name maybe "quoted". */
export function parseLibraryList(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim().replace(/^"(.*)"$/, "$1"))
    .filter(Boolean);
}

/** "$libdir/pg_cron.so" and "pg_cron" are the same library. */
function libraryName(entry: string): string {
  return path.posix.basename(entry).replace(/\.so$/, "");
}

/**
 * The copy's shared_preload_libraries: the source's without BACKGROUND_JOB_LIBRARIES; no
 * setting when nothing is dropped (the source's stays as it is).
 */
export function preloadSettings(sourceValue: string): {
  settings: Record<string, string>;
  dropped: string[];
} {
  const libraries = parseLibraryList(sourceValue);
  const dropped = libraries.filter((entry) =>
    (BACKGROUND_JOB_LIBRARIES as readonly string[]).includes(libraryName(entry)),
  );
  if (dropped.length === 0) return { settings: {}, dropped };
  const kept = libraries
    .filter((entry) => !dropped.includes(entry))
    .map((entry) => (/^[A-Za-z0-9_$/.-]+$/.test(entry) ? entry : `"${entry.replaceAll('"', "")}"`));
  return { settings: { shared_preload_libraries: kept.join(",") }, dropped };
}

/**
 * The same isolation for the break-glass runbook, as shell commands a person runs (as the
 * server's OS user) before writing the recovery settings: linked config files become plain
 * copies, the source's file settings and includes by absolute or ../ path are commented out,
 * and shared_preload_libraries, as `postgres -C` reads it, loses BACKGROUND_JOB_LIBRARIES.
 */
export function isolationCommands(dataDir: string, postgresProgram: string): string[] {
  const dir = shellQuote(dataDir);
  const prefix = "# Walden (restored copy), reaches outside this copy: ";
  const settingsScript = `s~^[[:space:]]*(${OUTSIDE_FILE_SETTINGS.join("|")})([[:space:]]|=).*~${prefix}&~`;
  const includeScript = `s~^[[:space:]]*(${INCLUDE_DIRECTIVES.join("|")})([[:space:]]*=[[:space:]]*|[[:space:]]+)'?(/|[^'#]*\\.\\.).*~${prefix}&~`;
  const jobLibraries = `(^|/)(${BACKGROUND_JOB_LIBRARIES.join("|")})(\\.so)?$`;
  return [
    `for f in ${OWN_CONFIG_FILES.join(" ")}; do if test -L ${dir}/"$f"; then cp --remove-destination -- "$(readlink -f ${dir}/"$f")" ${dir}/"$f" 2>/dev/null || { rm -f -- ${dir}/"$f" && : > ${dir}/"$f"; }; fi; done`,
    `sed -i -E -e ${shellQuote(settingsScript)} -e ${shellQuote(includeScript)} ${dir}/*.conf`,
    `spl=$(${postgresProgram} -D ${dir} -C shared_preload_libraries) && kept=$(printf '%s\\n' "$spl" | tr , '\\n' | sed -E 's/^[[:space:]"]+//; s/[[:space:]"]+$//' | { grep -vE ${shellQuote(jobLibraries)} || true; } | paste -sd, -) && printf "\\n# Libraries that run jobs on their own stay unloaded in a copy\\nshared_preload_libraries = '%s'\\n" "$kept" >> ${dir}/postgresql.auto.conf`,
  ];
}
