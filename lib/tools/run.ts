import { spawn } from "node:child_process";

// The one place that starts PostgreSQL programs: an argument array, never a shell; a clean
// environment (no inherited PG* variables that could redirect a connection); the password
// only through PGPASSFILE; output handed over line by line for progress and logs.

export interface RunOptions {
  /** Absolute path of the program. */
  program: string;
  args: string[];
  passfile?: string;
  cwd?: string;
  signal?: AbortSignal;
  /** Called for each line of stderr (pg_basebackup --progress writes there, with \r). */
  onStderrLine?: (line: string) => void;
  onStdoutLine?: (line: string) => void;
  /** Kill the program after this long. */
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stderr, for error messages and logs. */
  stderrTail: string[];
  durationMs: number;
}

const TAIL_LINES = 50;

export function toolEnvironment(passfile?: string): NodeJS.Dict<string> {
  const env: NodeJS.Dict<string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LC_ALL: "C",
    // pg_waldump prints commit times in the local zone, with an abbreviation that cannot be read back.
    TZ: "UTC",
    PGAPPNAME: "walden",
    PGCONNECT_TIMEOUT: "10",
  };
  if (passfile) env.PGPASSFILE = passfile;
  return env;
}

function lineSplitter(onLine: ((line: string) => void) | undefined, tail?: string[]) {
  let buffer = "";
  const emit = (line: string) => {
    if (!line) return;
    onLine?.(line);
    if (tail) {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    }
  };
  return {
    push(chunk: Buffer) {
      buffer += chunk.toString("utf8");
      const parts = buffer.split(/\r\n|\r|\n/);
      buffer = parts.pop() ?? "";
      parts.forEach(emit);
    },
    flush() {
      emit(buffer);
      buffer = "";
    },
  };
}

export function runTool(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const stderrTail: string[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn(options.program, options.args, {
      cwd: options.cwd,
      // Next.js types NODE_ENV as required; the tools need no NODE_ENV.
      env: toolEnvironment(options.passfile) as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      signal: options.signal,
      shell: false,
    });
    const stderr = lineSplitter(options.onStderrLine, stderrTail);
    const stdout = lineSplitter(options.onStdoutLine);
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    const timer = options.timeoutMs ? setTimeout(() => child.kill("SIGTERM"), options.timeoutMs) : undefined;
    child.on("error", (error) => {
      clearTimeout(timer);
      if ((error as NodeJS.ErrnoException).code === "ABORT_ERR") {
        resolve({ code: null, signal: "SIGTERM", stderrTail, durationMs: Date.now() - started });
      } else reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      stderr.flush();
      stdout.flush();
      resolve({ code, signal, stderrTail, durationMs: Date.now() - started });
    });
  });
}
