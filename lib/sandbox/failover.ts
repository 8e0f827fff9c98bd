import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildArchiveCommand } from "@/lib/tools/archive-command";
import { settingsBlock } from "@/lib/tools/config-file";
import { dataDir, HOST, port, SERVER_NAMES, type Context, type ServerName } from "./context";
import { SandboxError } from "./errors";
import { appendOwnedFile, writeOwnedFile } from "./home";
import { runPgProgramOrThrow } from "./programs";
import { ensureRunning, serverState, stopServer } from "./servers";
import { ensureSlot, withSuperuser } from "./superuser-sql";
import { waitForStreaming } from "./topology";

// A switchover of the sandbox, for the demo and the HA tests: the writable node is stopped, a
// standby promoted, and the old primary rewound with pg_rewind and restarted as a standby of the
// new one (what Patroni or repmgr do, in miniature). pg_rewind needs wal_log_hints (or data
// checksums) on the old primary since before the timelines parted: the sandbox sets it at initdb,
// and an older sandbox gets it (with a restart) before anything is promoted.

const CLUSTER_NODES = SERVER_NAMES.filter((name) => name !== "catalog");

/** The files pg_rewind would overwrite with the new primary's: the old primary keeps its own. */
const OWN_CONFIG_FILES = ["postgresql.conf", "postgresql.auto.conf", "pg_hba.conf"];

export interface FailoverResult {
  promoted: ServerName;
  /** The node that was writable before, now streaming from the promoted one (null: none, or not asked). */
  rejoined: ServerName | null;
  timeline: number;
}

async function isWritable(ctx: Context, name: ServerName): Promise<boolean> {
  if ((await serverState(ctx, name)) !== "running") return false;
  return withSuperuser(ctx, name, async (client) => {
    const { rows } = await client.query<{ in_recovery: boolean }>("select pg_is_in_recovery() as in_recovery");
    return !rows[0]!.in_recovery;
  });
}

/** The node of the demo cluster that is writable now (null: none is). */
export async function writableNode(ctx: Context): Promise<ServerName | null> {
  for (const name of CLUSTER_NODES) if (await isWritable(ctx, name)) return name;
  return null;
}

/** Sets a setting with ALTER SYSTEM and restarts when it differs (both need a restart to apply). */
async function ensureSettingWithRestart(
  ctx: Context,
  name: ServerName,
  settings: Record<string, string>,
): Promise<void> {
  const changed = await withSuperuser(ctx, name, async (client) => {
    let any = false;
    for (const [setting, value] of Object.entries(settings)) {
      const { rows } = await client.query<{ value: string }>("select current_setting($1) as value", [setting]);
      if (rows[0]!.value === value) continue;
      // ALTER SYSTEM takes no parameters: the values are ours (on/off and the archive command).
      await client.query(`alter system set ${setting} = '${value.replaceAll("'", "''")}'`);
      any = true;
    }
    return any;
  });
  if (!changed) return;
  ctx.log(`${name}: restarting for ${Object.keys(settings).join(", ")}`);
  await stopServer(ctx, name);
  await ensureRunning(ctx, name);
}

/**
 * Promotes `target` and rejoins the node that was writable as its standby. The old primary is
 * stopped first (a clean switchover); if it was already down, it is rewound all the same.
 */
export async function failover(
  ctx: Context,
  target: ServerName,
  options: { rejoin?: boolean } = {},
): Promise<FailoverResult> {
  if (target === "catalog" || !CLUSTER_NODES.includes(target))
    throw new SandboxError(`${target} is not a node of the demo cluster (${CLUSTER_NODES.join(", ")})`);
  if ((await serverState(ctx, target)) !== "running") throw new SandboxError(`${target} is not running`);
  if (await isWritable(ctx, target)) throw new SandboxError(`${target} is the primary already`);

  const writable: ServerName[] = [];
  for (const name of CLUSTER_NODES) if (name !== target && (await isWritable(ctx, name))) writable.push(name);
  if (writable.length > 1) throw new SandboxError(`more than one writable node (${writable.join(", ")})`);
  const old = writable[0] ?? (await stoppedPrimary(ctx, target));

  if (writable[0]) {
    await ensureSettingWithRestart(ctx, writable[0], { wal_log_hints: "on" });
    await stopServer(ctx, writable[0]);
  }
  // archive_mode "on" archives only once promoted: the new primary writes to the same archive.
  await ensureSettingWithRestart(ctx, target, {
    archive_mode: "on",
    archive_command: buildArchiveCommand(ctx.layout.archiveDir),
  });
  ctx.log(`${target}: promoting`);
  await runPgProgramOrThrow(ctx, "pg_ctl", ["promote", "-w", "-D", dataDir(ctx, target)]);
  // pg_rewind (before 16) reads the source's timeline from its control file: checkpoint first.
  const timeline = await withSuperuser(ctx, target, async (client) => {
    await client.query("checkpoint");
    if (old) await ensureSlot(client, old);
    const { rows } = await client.query<{ timeline: number }>(
      "select timeline_id as timeline from pg_control_checkpoint()",
    );
    return rows[0]!.timeline;
  });
  const rejoined = old && options.rejoin !== false ? old : null;
  if (rejoined) await rejoinAsStandby(ctx, rejoined, target);
  return { promoted: target, rejoined, timeline };
}

/**
 * The old primary when it is not running: the node that was not in recovery when it stopped,
 * told by the absence of standby.signal (a crashed primary has none; a stopped standby has one).
 */
async function stoppedPrimary(ctx: Context, target: ServerName): Promise<ServerName | null> {
  for (const name of CLUSTER_NODES) {
    if (name === target || (await serverState(ctx, name)) !== "stopped") continue;
    if (!existsSync(path.join(dataDir(ctx, name), "standby.signal"))) return name;
  }
  return null;
}

/** pg_rewind from the new primary, the node's own configuration put back, then start as its standby. */
export async function rejoinAsStandby(ctx: Context, name: ServerName, upstream: ServerName): Promise<void> {
  if ((await serverState(ctx, name)) === "running") await stopServer(ctx, name);
  const dir = dataDir(ctx, name);
  const kept = OWN_CONFIG_FILES.map((file) => ({ file, text: readFileSync(path.join(dir, file), "utf8") }));
  ctx.log(`${name}: pg_rewind from ${upstream}`);
  await runPgProgramOrThrow(ctx, "pg_rewind", [
    `--target-pgdata=${dir}`,
    `--source-server=host=${ctx.layout.runDir} port=${port(ctx, upstream)} user=postgres dbname=postgres`,
    "--progress",
  ]);
  for (const { file, text } of kept) await writeOwnedFile(ctx, path.join(dir, file), text, 0o600);
  // Like pg_basebackup -R: the passfile, never the password, and the node's own name as
  // application_name, so the new primary lists it under the name it is registered with.
  const conninfo = `user=replicator passfile=${ctx.layout.replicationPassfile} host=${HOST} port=${port(ctx, upstream)} application_name=${name}`;
  await appendOwnedFile(
    ctx,
    path.join(dir, "postgresql.auto.conf"),
    settingsBlock(`Walden sandbox: standby of ${upstream} since a failover`, {
      primary_conninfo: conninfo,
      primary_slot_name: name,
      recovery_target_timeline: "latest",
    }),
  );
  await writeOwnedFile(ctx, path.join(dir, "standby.signal"), "", 0o600);
  await ensureRunning(ctx, name);
  await waitForStreaming(ctx, upstream, name);
}
