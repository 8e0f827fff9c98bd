import { shellQuote } from "@/lib/sandbox/archive-command";
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
