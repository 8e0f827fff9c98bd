import fs from "node:fs/promises";
import { stallTimeoutSeconds } from "@/lib/env";
import { parseLsn } from "@/lib/replication/lsn";
import type { PitrRestoreRequest } from "@/lib/schemas/restore";
import { parseWalFileName, segmentEndLsn, segmentStartLsn } from "@/lib/wal/segments";
import type { RestoreContext } from "./context";
import {
  instanceClient,
  instancePid,
  instanceWrittenBytes,
  stopInstance,
  type InstanceInfo,
  type InstancePaths,
} from "./instance";
import type { RestorePlan } from "./planner";
import { classifyLogLine, LogFollower } from "./server-log";

// The PITR copy's replay, followed from its server log and pg_is_in_recovery() until it reaches
// what was asked (step "replay" of pitr.ts), and what a promoted copy must not keep from its
// source: subscriptions attached to the publisher's slots.

const FOLLOW_INTERVAL_MS = 500;
/** Once connections are accepted the end is near: look more often (the bench measured the lag). */
const FOLLOW_CONSISTENT_INTERVAL_MS = 150;

async function readFrom(file: string, offset: number): Promise<Buffer> {
  const handle = await fs.open(file, "r").catch(() => null);
  if (!handle) return Buffer.alloc(0);
  try {
    const { size } = await handle.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(Math.min(size - offset, 1 << 20));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export interface ReplayState {
  consistent: boolean;
  stopping: string | null;
  fatal: string[];
  lastSegment: string | null;
  /** "redo done at …": what is left is the end-of-recovery checkpoint. */
  redoDone: boolean;
}

/** What a stalled replay was waiting for, for the watchdog's message. */
function stallMessage(
  state: ReplayState,
  plan: RestorePlan,
  replayLsn: string | null,
  seconds: number,
): string {
  const at = replayLsn ?? (state.lastSegment ? `WAL segment ${state.lastSegment}` : plan.fromLsn);
  const waitingFor = state.redoDone
    ? "the end-of-recovery checkpoint to finish"
    : state.lastSegment
      ? `the WAL segment after ${state.lastSegment} from the archive (restore_command)`
      : `the backup's first WAL segment ${plan.fromWal} from the archive (restore_command)`;
  return `replay made no progress for ${seconds} s at ${at}, waiting for ${waitingFor}; the restored instance was stopped (WALDEN_STALL_TIMEOUT_SECONDS)`;
}

export async function followReplay(
  ctx: RestoreContext,
  plan: RestorePlan,
  request: PitrRestoreRequest,
  info: InstanceInfo,
  paths: InstancePaths,
  superuser: () => Promise<string>,
): Promise<ReplayState> {
  const state: ReplayState = {
    consistent: false,
    stopping: null,
    fatal: [],
    lastSegment: null,
    redoDone: false,
  };
  const follower = new LogFollower((offset) => readFrom(paths.logFile, offset));
  const from = parseLsn(plan.fromLsn);
  const parsedEnd = parseWalFileName(plan.toWal);
  const to = plan.toLsn
    ? parseLsn(plan.toLsn)
    : parsedEnd.kind === "segment"
      ? segmentEndLsn(parsedEnd.segno)
      : from + 1n;
  const started = Date.now();
  // Replay may take hours; what it must not do is stand still: no segment restored, no record
  // replayed, no log line (and, at the end, nothing written) for the stall timeout.
  const stallMs = stallTimeoutSeconds() * 1000;
  let lastProgressAt = Date.now();
  let lastSignature = "";
  let linesRead = 0;
  let replayLsn: string | null = null;
  const report = (position: bigint) => {
    const done = position <= from ? 0 : Number(position - from) / Math.max(1, Number(to - from));
    const percent = Math.min(99, Math.max(0, done * 100));
    const elapsed = (Date.now() - started) / 1000;
    const eta = done > 0.02 ? Math.max(0, Math.round((elapsed / done) * (1 - done))) : plan.estimateSeconds;
    ctx.setProgress(percent, eta);
  };

  const readLog = async () => {
    const lines = await follower.next();
    linesRead += lines.length;
    for (const line of lines) {
      const event = classifyLogLine(line);
      if (!event) continue;
      switch (event.kind) {
        case "restored":
          state.lastSegment = event.segment;
          break;
        case "consistent":
          state.consistent = true;
          ctx.steps.log("consistent recovery state reached");
          break;
        case "stopping":
          state.stopping = event.text;
          ctx.steps.log(event.text);
          break;
        case "fatal":
          state.fatal.push(event.text);
          ctx.steps.log(event.text);
          break;
        case "note":
          if (/redo done at/.test(event.text)) state.redoDone = true;
          ctx.steps.log(event.text);
          break;
        default:
          ctx.steps.log(line.slice(line.search(/LOG:|$/)));
      }
    }
  };

  for (;;) {
    await ctx.checkCancelled();
    await readLog();
    if ((await instancePid(paths)) === null) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await readLog();
      if (request.action === "shutdown" && state.stopping && state.fatal.length === 0) {
        ctx.steps.log("the instance shut down at the target, as asked");
        return state;
      }
      throw new Error(
        state.fatal.length
          ? `the restored instance stopped: ${state.fatal.join(" / ")}`
          : "the restored instance stopped during recovery without a FATAL line; see its log",
      );
    }
    if (state.lastSegment) {
      const parsed = parseWalFileName(state.lastSegment);
      if (parsed.kind === "segment") report(segmentStartLsn(parsed.segno));
    }
    if (state.consistent) {
      const status = await replayStatus(info, await superuser()).catch(() => null);
      if (status) {
        replayLsn = status.replayLsn ?? replayLsn;
        if (status.replayLsn) report(parseLsn(status.replayLsn));
        const finished =
          request.target.type === "latest" || request.action === "promote"
            ? !status.inRecovery
            : request.action === "pause"
              ? status.paused
              : false;
        if (finished) return state;
      }
    }
    // Writes count once redo is done (the end-of-recovery checkpoint can be long); before that a
    // spread restartpoint may write on for minutes while replay itself waits.
    const written = state.redoDone ? await instanceWrittenBytes(paths) : null;
    const signature = [state.lastSegment, replayLsn, linesRead, written].join(" ");
    if (signature !== lastSignature) {
      lastSignature = signature;
      lastProgressAt = Date.now();
    } else if (Date.now() - lastProgressAt >= stallMs) {
      const message = stallMessage(state, plan, replayLsn, Math.round((Date.now() - lastProgressAt) / 1000));
      ctx.steps.log(message);
      await stopInstance(paths, "immediate").catch(() => {});
      throw new Error(message);
    }
    await new Promise((resolve) =>
      setTimeout(resolve, state.consistent ? FOLLOW_CONSISTENT_INTERVAL_MS : FOLLOW_INTERVAL_MS),
    );
  }
}

export async function replayStatus(info: InstanceInfo, superuser: string) {
  const client = await instanceClient(info, "postgres", superuser);
  try {
    const { rows } = await client.query<{ in_recovery: boolean; replay_lsn: string | null; paused: boolean }>(
      `select pg_is_in_recovery() as in_recovery, pg_last_wal_replay_lsn()::text as replay_lsn,
        case when current_setting('server_version_num')::int >= 140000
          then pg_is_in_recovery() and pg_get_wal_replay_pause_state() = 'paused'
          else pg_is_in_recovery() and pg_is_wal_replay_paused() end as paused`,
    );
    const row = rows[0]!;
    return { inRecovery: row.in_recovery, replayLsn: row.replay_lsn, paused: row.paused };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Once promoted, the source's subscriptions are disabled and detached from their slots, in
 * every database. Neither statement contacts the publisher (no worker ever ran: there are
 * none in a copy), and a DROP SUBSCRIPTION on the copy later cannot drop the publisher's slot.
 */
export async function detachSubscriptions(
  info: InstanceInfo,
  superuser: string,
  log: (line: string) => void,
): Promise<void> {
  const client = await instanceClient(info, "postgres", superuser);
  let subscriptions: { db: string; name: string; enabled: boolean; slot: string | null }[];
  try {
    subscriptions = (
      await client.query<{ db: string; name: string; enabled: boolean; slot: string | null }>(
        `select d.datname as db, s.subname as name, s.subenabled as enabled, s.subslotname as slot
           from pg_subscription s join pg_database d on d.oid = s.subdbid
          where d.datallowconn order by 1, 2`,
      )
    ).rows;
  } finally {
    await client.end().catch(() => {});
  }
  for (const database of new Set(subscriptions.map((row) => row.db))) {
    const dbClient = await instanceClient(info, database, superuser);
    try {
      for (const sub of subscriptions.filter((row) => row.db === database)) {
        const name = dbClient.escapeIdentifier(sub.name);
        if (sub.enabled) await dbClient.query(`alter subscription ${name} disable`);
        if (sub.slot !== null) await dbClient.query(`alter subscription ${name} set (slot_name = none)`);
        log(
          `subscription ${sub.name} (database ${database}): disabled` +
            (sub.slot !== null ? `, detached from the publisher's slot ${sub.slot}` : "") +
            "; it never connected to its publisher",
        );
      }
    } finally {
      await dbClient.end().catch(() => {});
    }
  }
}
