// Reading a restored instance's server log as it recovers: which lines a person should see
// (recovery stopping before …, consistent recovery state reached, any FATAL verbatim), and
// which WAL segment was restored last (for progress before connections are accepted).

export type LogEvent =
  | { kind: "restored"; segment: string }
  | { kind: "consistent" }
  | { kind: "stopping"; text: string }
  | { kind: "paused" }
  | { kind: "promoted" }
  | { kind: "ready" }
  | { kind: "shutdown" }
  | { kind: "fatal"; text: string }
  | { kind: "note"; text: string };

const NOTABLE = [
  /redo starts at/,
  /redo done at/,
  /last completed transaction was at log time/,
  /selected new timeline ID/,
  /archive recovery complete/,
  /starting point-in-time recovery to/,
  /starting archive recovery/,
  /database system was interrupted/,
  /WARNING/,
];

/** The message part of a log line ("LOG:  …", "FATAL:  …"), without the prefix. */
function message(line: string): string {
  const at = line.search(/\b(LOG|FATAL|PANIC|ERROR|WARNING|DETAIL|HINT):\s/);
  return at >= 0 ? line.slice(at) : line;
}

export function classifyLogLine(line: string): LogEvent | null {
  const restored = /restored log file "([0-9A-F]{24})" from archive/.exec(line);
  if (restored) return { kind: "restored", segment: restored[1]! };
  if (/\b(FATAL|PANIC):\s/.test(line)) return { kind: "fatal", text: message(line) };
  if (/recovery stopping (before|after)/.test(line)) return { kind: "stopping", text: message(line) };
  if (/consistent recovery state reached/.test(line)) return { kind: "consistent" };
  if (/recovery has paused|pausing at the end of recovery/.test(line)) return { kind: "paused" };
  if (/database system is ready to accept connections/.test(line)) return { kind: "ready" };
  if (/database system is ready to accept read[- ]only connections/.test(line))
    return { kind: "note", text: message(line) };
  if (/database system is shut down/.test(line)) return { kind: "shutdown" };
  if (/archive recovery complete/.test(line)) return { kind: "promoted" };
  if (NOTABLE.some((pattern) => pattern.test(line))) return { kind: "note", text: message(line) };
  return null;
}

/** Follows a growing file: each call returns the complete lines appended since the last. */
export class LogFollower {
  private offset = 0;
  private partial = "";
  constructor(private readonly read: (offset: number) => Promise<Buffer>) {}

  async next(): Promise<string[]> {
    const chunk = await this.read(this.offset);
    if (chunk.length === 0) return [];
    this.offset += chunk.length;
    const text = this.partial + chunk.toString("utf8");
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    return lines.filter((line) => line.length > 0);
  }
}
