import { existsSync } from "node:fs";
import path from "node:path";
import { buildArchiveCommand } from "@/lib/tools/archive-command";
import { pgPackageLibDir } from "@/lib/tools/binaries";
import { listItem, settingLine, settingsBlock, type Settings } from "@/lib/tools/config-file";
import { HOST, port, type Context, type ServerName } from "./context";

// What each server is configured with: its settings and who may connect (pg_hba.conf).
// A node's own features (TLS, say) add their settings and pg_hba lines here.

// The socket directory is 0700, so "local … postgres trust" is reachable by that OS user (and root) only.
// walden_cleartext is asked for its password in cleartext ("password"): tests show that Walden
// refuses to send it. First match wins, so its line comes before the catch-all.
export const PG_HBA = `# Walden sandbox
local   all          postgres                  trust
host    all          walden_cleartext  ${HOST}/32   password
host    all          all        ${HOST}/32   scram-sha-256
host    replication  all        ${HOST}/32   scram-sha-256
`;

function connectionSettings(ctx: Context, name: ServerName): Settings {
  return {
    listen_addresses: HOST,
    port: port(ctx, name),
    unix_socket_directories: listItem(ctx.layout.runDir),
    cluster_name: name,
  };
}

export function catalogSettings(ctx: Context): Settings {
  // PostgreSQL 13 still defaults to md5, which scram-sha-256 in pg_hba would then reject.
  return { ...connectionSettings(ctx, "catalog"), password_encryption: "scram-sha-256" };
}

export function primarySettings(ctx: Context): Settings {
  const preload: Settings = hasPgStatStatements(ctx.binaries.binDir)
    ? { shared_preload_libraries: "pg_stat_statements" }
    : {};
  return {
    ...connectionSettings(ctx, "primary"),
    password_encryption: "scram-sha-256",
    wal_level: "replica",
    archive_mode: "on",
    archive_command: buildArchiveCommand(ctx.layout.archiveDir),
    archive_timeout: 60,
    max_wal_senders: 10,
    max_replication_slots: 10,
    wal_keep_size: "64MB",
    hot_standby: "on",
    track_commit_timestamp: "on",
    // pg_rewind (the sandbox's failover rejoins the old primary with it) needs hint bits logged.
    wal_log_hints: "on",
    ...preload,
  };
}

/** Appended after pg_basebackup -R's primary_conninfo; later lines win over the copied upstream settings. */
export function standbySettings(ctx: Context, name: ServerName): Settings {
  return {
    ...connectionSettings(ctx, name),
    // "on" archives nothing while in recovery: only once promoted (a failover) does the standby
    // archive, into the same folder, on its new timeline. "always" would mix in standby copies.
    archive_mode: "on",
    archive_command: buildArchiveCommand(ctx.layout.archiveDir),
  };
}

/** Preloading a library that is not installed would stop the primary from starting. */
function hasPgStatStatements(binDir: string): boolean {
  const libDir = pgPackageLibDir(binDir);
  return ["so", "dylib"].some((ext) => existsSync(path.join(libDir, `pg_stat_statements.${ext}`)));
}

/**
 * The block appended to a server's configuration. Its `cluster_name` line goes last: written,
 * it marks the data directory as completely set up (completionMarker).
 */
export function renderNodeSettings(title: string, settings: Settings): string {
  const { cluster_name: clusterName, ...rest } = settings;
  return settingsBlock(title, clusterName === undefined ? rest : { ...rest, cluster_name: clusterName });
}

/** The line whose presence says a server's data directory was set up to the end. */
export function completionMarker(name: ServerName): string {
  return settingLine("cluster_name", name);
}
