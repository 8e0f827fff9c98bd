import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isProcessAlive, parsePid } from "./process-state";

describe("parsePid", () => {
  it("reads the pid at the start of a pid file", () => {
    expect(parsePid("4242\n/srv/pg/data\n")).toBe(4242);
    expect(parsePid("4242 9f3a")).toBe(4242);
  });

  it("reads nothing from an empty or damaged file", () => {
    expect(parsePid("")).toBeUndefined();
    expect(parsePid("0\n")).toBeUndefined();
    expect(parsePid("-5")).toBeUndefined();
    expect(parsePid("pid")).toBeUndefined();
  });
});

describe("isProcessAlive", () => {
  it("is true for this process", () => {
    expect(isProcessAlive(process.pid)).toBe(true);
  });

  it("is false for a process that exited and was reaped", async () => {
    const child = spawn("/bin/true");
    await new Promise((resolve) => child.once("exit", resolve));
    // Give the event loop a turn so Node reaps it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isProcessAlive(child.pid!)).toBe(false);
  });
});
