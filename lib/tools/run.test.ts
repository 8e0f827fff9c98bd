import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runTool, stallTimeoutMs, toolEnvironment } from "@/lib/tools/run";
import { waitUntil } from "@/test/wait";

describe("runTool", () => {
  it("passes arguments verbatim: shell syntax is just text", async () => {
    const marker = path.join(os.tmpdir(), `walden-never-${process.pid}`);
    const lines: string[] = [];
    const result = await runTool({
      program: "/bin/echo",
      args: [`$(touch ${marker})`, "; rm -rf /", "`id`"],
      onStdoutLine: (line) => lines.push(line),
    });
    expect(result.code).toBe(0);
    expect(lines).toEqual([`$(touch ${marker}) ; rm -rf / \`id\``]);
    await expect(fs.stat(marker)).rejects.toThrow();
  });

  it("splits stderr on \\r as pg_basebackup --progress writes it, keeping a tail", async () => {
    const lines: string[] = [];
    const result = await runTool({
      program: "/bin/sh",
      args: ["-c", "printf '1/10 kB (10%%)\\r5/10 kB (50%%)\\rdone\\n' >&2; exit 3"],
      onStderrLine: (line) => lines.push(line),
    });
    expect(result.code).toBe(3);
    expect(lines).toEqual(["1/10 kB (10%)", "5/10 kB (50%)", "done"]);
    expect(result.stderrTail).toEqual(lines);
  });

  it("does not pass the caller's PG* variables or secrets to the child", () => {
    process.env.PGHOST = "evil";
    process.env.WALDEN_SECRET = "x".repeat(40);
    try {
      const env = toolEnvironment("/tmp/pass");
      expect(env.PGHOST).toBeUndefined();
      expect(env.WALDEN_SECRET).toBeUndefined();
      expect(env.PGPASSFILE).toBe("/tmp/pass");
      expect(env.PGPASSWORD).toBeUndefined();
    } finally {
      delete process.env.PGHOST;
      delete process.env.WALDEN_SECRET;
    }
  });

  it("stops a program when aborted", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await runTool({ program: "/bin/sleep", args: ["10"], signal: controller.signal });
    expect(result.code).toBeNull();
    expect(result.durationMs).toBeLessThan(5000);
  });

  it("turns off any statement_timeout for the tools' sessions, through PGOPTIONS", () => {
    expect(toolEnvironment().PGOPTIONS).toBe(
      "-c statement_timeout=0 -c idle_in_transaction_session_timeout=0 -c lock_timeout=0",
    );
  });
});

/** Alive means running or stopped; a zombie waiting for its parent to reap it is gone. */
async function isAlive(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  return stat !== null && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

describe("runTool's watchdog", () => {
  it("kills a program that makes no progress, with the children it forked, and says so", async () => {
    const pids: number[] = [];
    const result = await runTool({
      program: "/bin/sh",
      args: ["-c", "sleep 60 & echo $!; sleep 60 & echo $!; wait"],
      onStdoutLine: (line) => pids.push(Number(line)),
      stallTimeoutMs: 1_000,
      waitingFor: "nothing at all",
    });
    expect(result.code).toBeNull();
    expect(result.signal).toBe("SIGKILL");
    expect(result.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.stalled).toMatch(
      /^sh made no progress for \d+ s \(waiting for nothing at all: no output, no bytes read\); killed with its child processes$/,
    );
    expect(result.stderrTail.at(-1)).toBe(result.stalled);
    expect(pids).toHaveLength(2);
    // The grandchildren were in the group: they go too (reaped by init shortly after).
    await waitUntil(
      "the forked sleeps to be gone",
      async () => !(await isAlive(pids[0]!)) && !(await isAlive(pids[1]!)),
      5_000,
    );
  });

  it("kills a silent sleep", async () => {
    const result = await runTool({ program: "/bin/sleep", args: ["30"], stallTimeoutMs: 800 });
    expect(result.stalled).toMatch(/^sleep made no progress for/);
    expect(result.durationMs).toBeLessThan(8_000);
  });

  it("leaves a program alone while it keeps printing, even past the stall timeout", async () => {
    const lines: string[] = [];
    const result = await runTool({
      program: "/bin/sh",
      args: ["-c", "for i in 1 2 3 4 5 6 7 8; do echo $i; sleep 0.3; done"],
      onStdoutLine: (line) => lines.push(line),
      stallTimeoutMs: 1_500,
    });
    expect(result).toMatchObject({ code: 0, stalled: null });
    expect(lines).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(result.durationMs).toBeGreaterThan(1_500);
  });

  it("counts a change in the caller's probe as progress", async () => {
    let probes = 0;
    const result = await runTool({
      program: "/bin/sleep",
      args: ["2.5"],
      stallTimeoutMs: 800,
      progressProbe: async () => (probes += 1),
    });
    expect(result).toMatchObject({ code: 0, stalled: null });
    expect(probes).toBeGreaterThan(3);
  });

  it("counts a probe that never answers as no progress", async () => {
    const result = await runTool({
      program: "/bin/sleep",
      args: ["30"],
      stallTimeoutMs: 1_000,
      progressProbe: () => new Promise<string>(() => {}),
    });
    expect(result.stalled).toMatch(/^sleep made no progress for/);
    expect(result.durationMs).toBeLessThan(8_000);
  });

  it("counts a probe that stops changing as no progress", async () => {
    const result = await runTool({
      program: "/bin/sleep",
      args: ["30"],
      stallTimeoutMs: 800,
      progressProbe: async () => "same",
    });
    expect(result.stalled).toMatch(/no change on the server\); killed/);
  });

  it("takes its stall timeout from WALDEN_STALL_TIMEOUT_SECONDS (600 s by default), or the caller", () => {
    const saved = process.env.WALDEN_STALL_TIMEOUT_SECONDS;
    try {
      delete process.env.WALDEN_STALL_TIMEOUT_SECONDS;
      expect(stallTimeoutMs()).toBe(600_000);
      process.env.WALDEN_STALL_TIMEOUT_SECONDS = "7";
      expect(stallTimeoutMs()).toBe(7_000);
      expect(stallTimeoutMs({ stallTimeoutMs: 250 })).toBe(250);
      process.env.WALDEN_STALL_TIMEOUT_SECONDS = "soon";
      expect(() => stallTimeoutMs()).toThrow(/WALDEN_STALL_TIMEOUT_SECONDS must be a number of seconds/);
    } finally {
      if (saved === undefined) delete process.env.WALDEN_STALL_TIMEOUT_SECONDS;
      else process.env.WALDEN_STALL_TIMEOUT_SECONDS = saved;
    }
  });
});
