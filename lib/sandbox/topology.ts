import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { dataDir, HOST, port, type Context, type ServerName } from "./context";
import { SandboxError } from "./errors";
import { appendOwnedFile } from "./home";
import { isComplete, resetDataDir } from "./init";
import { renderNodeSettings, standbySettings } from "./node-config";
import { runPgProgramOrThrow } from "./programs";
import { ensureRunning, logHint } from "./servers";
import { ensureSlot, withSuperuser } from "./superuser-sql";

// Who streams from whom: the cascading standbys, built by pg_basebackup from their upstream,
// and the checks that they stream. Role changes (promotion, and later a failover) live here.

/** Each standby, its upstream, and the physical slot it streams from (held on the upstream). */
export const STANDBYS = [
  { name: "standby1", upstream: "primary", slot: "standby1" },
  { name: "standby2", upstream: "standby1", slot: "standby2" },
] as const satisfies readonly { name: ServerName; upstream: ServerName; slot: string }[];

type Standby = (typeof STANDBYS)[number];
export type StandbyName = Standby["name"];

const STREAMING_TIMEOUT_MS = 30_000;

/** Returns true when the standby was (re)built, so its own downstream must follow. */
export async function ensureStandby(
  ctx: Context,
  standby: Standby,
  upstreamRebuilt: boolean,
): Promise<boolean> {
  const rebuild = upstreamRebuilt || !isComplete(ctx, standby.name);
  if (rebuild) {
    await resetDataDir(ctx, standby.name);
    await baseBackup(ctx, standby);
  }
  await ensureRunning(ctx, standby.name);
  const downstream = STANDBYS.find((other) => other.upstream === standby.name);
  if (downstream) await withSuperuser(ctx, standby.name, (client) => ensureSlot(client, downstream.slot));
  return rebuild;
}

async function baseBackup(ctx: Context, standby: Standby): Promise<void> {
  const dir = dataDir(ctx, standby.name);
  ctx.log(`${standby.name}: pg_basebackup from ${standby.upstream} (slot ${standby.slot})`);
  const upstream = ["-h", HOST, "-p", String(port(ctx, standby.upstream)), "-U", "replicator", "-w"];
  const copy = ["-D", dir, "-R", "-X", "stream", "-S", standby.slot, "-c", "fast"];
  // The password reaches pg_basebackup only through the 0600 passfile, never argv or PGPASSWORD.
  await runPgProgramOrThrow(ctx, "pg_basebackup", [...upstream, ...copy], {
    passfile: ctx.layout.replicationPassfile,
  });
  await appendOwnedFile(
    ctx,
    path.join(dir, "postgresql.auto.conf"),
    renderNodeSettings("Walden sandbox standby", standbySettings(ctx, standby.name)),
  );
}

export async function waitForStreaming(
  ctx: Context,
  upstream: ServerName,
  standby: ServerName,
): Promise<void> {
  const deadline = Date.now() + STREAMING_TIMEOUT_MS;
  let state = "not connected";
  while (Date.now() < deadline) {
    state = await withSuperuser(ctx, upstream, async (client) => {
      const result = await client.query<{ state: string }>(
        "SELECT state FROM pg_stat_replication WHERE application_name = $1",
        [standby],
      );
      return result.rows[0]?.state ?? "not connected";
    });
    if (state === "streaming") return;
    await sleep(250);
  }
  throw new SandboxError(
    `${standby} is not streaming from ${upstream} after ${STREAMING_TIMEOUT_MS / 1000}s (state: ${state}). ` +
      (await logHint(ctx, standby)),
  );
}

/** pg_ctl promote: the standby leaves recovery and becomes a primary on a new timeline. */
export async function promoteStandby(ctx: Context, name: StandbyName): Promise<void> {
  await runPgProgramOrThrow(ctx, "pg_ctl", ["promote", "-w", "-D", dataDir(ctx, name)]);
}
