import { describe, expect, it } from "vitest";
import { classifyLogLine, LogFollower } from "./server-log";

// Lines as PostgreSQL 15 writes them with the default log_line_prefix '%m [%p] '.
const prefix = "2026-11-26 04:40:01.123 UTC [4242] ";

describe("classifyLogLine", () => {
  it("reads the lines a person must see during recovery", () => {
    expect(
      classifyLogLine(`${prefix}LOG:  restored log file "000000010000000000000005" from archive`),
    ).toEqual({
      kind: "restored",
      segment: "000000010000000000000005",
    });
    expect(classifyLogLine(`${prefix}LOG:  consistent recovery state reached at 0/5000100`)).toEqual({
      kind: "consistent",
    });
    expect(
      classifyLogLine(
        `${prefix}LOG:  recovery stopping before commit of transaction 745, time 2026-11-26 04:39:59.1+00`,
      ),
    ).toEqual({
      kind: "stopping",
      text: "LOG:  recovery stopping before commit of transaction 745, time 2026-11-26 04:39:59.1+00",
    });
    expect(classifyLogLine(`${prefix}LOG:  pausing at the end of recovery`)).toEqual({ kind: "paused" });
    expect(classifyLogLine(`${prefix}LOG:  database system is ready to accept connections`)).toEqual({
      kind: "ready",
    });
    expect(classifyLogLine(`${prefix}LOG:  archive recovery complete`)).toEqual({ kind: "promoted" });
  });

  it("keeps a FATAL verbatim", () => {
    expect(
      classifyLogLine(`${prefix}FATAL:  recovery ended before configured recovery target was reached`),
    ).toEqual({
      kind: "fatal",
      text: "FATAL:  recovery ended before configured recovery target was reached",
    });
  });

  it("ignores the noise", () => {
    expect(classifyLogLine(`${prefix}LOG:  checkpoint starting: end-of-recovery immediate wait`)).toBeNull();
    expect(
      classifyLogLine("cp: cannot stat '/archive/00000002.history': No such file or directory"),
    ).toBeNull();
  });
});

describe("LogFollower", () => {
  it("returns complete lines once, keeping a partial line for the next read", async () => {
    let file = "one\ntw";
    const follower = new LogFollower(async (offset) => Buffer.from(file.slice(offset)));
    expect(await follower.next()).toEqual(["one"]);
    file += "o\nthree\n";
    expect(await follower.next()).toEqual(["two", "three"]);
    expect(await follower.next()).toEqual([]);
  });
});
