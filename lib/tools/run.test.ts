import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runTool, toolEnvironment } from "@/lib/tools/run";

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
});
