import { realpath } from "node:fs/promises";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { parseLsn } from "@/lib/replication/lsn";
import { runTool } from "@/lib/tools/run";
import { scanArchive } from "./archive";
import { clearWaldumpCache, parseWaldumpLine, readSegmentCommits, waldumpArgs } from "./waldump";
import { probeCommit, switchWal, waitForArchived, withPrimary, type ProbeCommit } from "./wal-fixtures";

// The real pg_waldump of the sandbox's PostgreSQL on segments the sandbox primary archived:
// the parser must find our own commit with its xid, LSN and time.

const sandbox = inject("sandbox");
const program = path.join(sandbox.binaries.binDir, "pg_waldump");
let root: string;
let commits: ProbeCommit[];

beforeAll(async () => {
  root = await realpath(sandbox.cluster.archiveDir);
  commits = await withPrimary(sandbox.cluster.primary, async (client) => {
    const made: ProbeCommit[] = [];
    for (let i = 0; i < 2; i++) {
      made.push(await probeCommit(client));
      await switchWal(client);
    }
    return made;
  });
  await waitForArchived(root, commits[1]!.wal);
});
beforeEach(() => clearWaldumpCache());

describe("pg_waldump on archived segments", () => {
  it("prints our commit in a form the parser reads exactly", async () => {
    const ours = commits[0]!;
    const lines: string[] = [];
    const result = await runTool({
      program,
      args: waldumpArgs({ dir: root, timeline: 1, segment: ours.wal }),
      onStdoutLine: (line) => lines.push(line),
    });
    expect(result.code).toBe(0);
    const parsed = lines.map(parseWaldumpLine).filter((line) => line?.kind === "commit");
    const mine = parsed.find((line) => line?.kind === "commit" && line.commit.xid === ours.xid);
    expect(mine).toBeDefined();
    if (mine?.kind !== "commit") return;
    expect(parseLsn(mine.commit.lsn)).toBeGreaterThanOrEqual(parseLsn(ours.lsnBefore));
    const time = Date.parse(mine.commit.time);
    expect(time).toBeGreaterThanOrEqual(ours.before.getTime());
    expect(time).toBeLessThanOrEqual(ours.after.getTime());
    // Microseconds are kept.
    expect(mine.commit.time).toMatch(/\.\d{6}Z$|:\d{2}Z$/);
  });

  it("summarizes a segment: its last commit is at or after ours", async () => {
    const ours = commits[1]!;
    const summary = await readSegmentCommits({ program, root, segment: ours.wal });
    expect(summary.count).toBeGreaterThanOrEqual(1);
    expect(summary.unreadableTimes).toBe(0);
    expect(parseLsn(summary.last!.lsn)).toBeGreaterThanOrEqual(parseLsn(ours.lsnBefore));
    expect(Date.parse(summary.last!.time)).toBeGreaterThanOrEqual(ours.before.getTime());
    expect(parseLsn(summary.first!.lsn)).toBeLessThanOrEqual(parseLsn(summary.last!.lsn));
  });

  it("reads every archived segment of the sandbox without a pg_waldump failure", async () => {
    const scan = await scanArchive(root);
    expect(scan.segments.length).toBeGreaterThan(3);
    for (const segment of scan.segments.slice(-6)) {
      await expect(readSegmentCommits({ program, root, segment: segment.name })).resolves.toMatchObject({
        unreadableTimes: 0,
      });
    }
  });
});
