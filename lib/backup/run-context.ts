import { toolPath, type PgProgram } from "@/lib/tools/binaries";
import type { NodeAccess } from "@/lib/tools/node-access";
import { runTool } from "@/lib/tools/run";

// What runBackup (run.ts) and each kind's executor (physical.ts, logical.ts) share: the log kept
// on the backup's row, the facts a backup ends with, and running one program into that log.

/** The log kept on the backup row: the last lines only. */
const LOG_LINES = 200;

export class BackupLog {
  private readonly lines: string[] = [];
  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > LOG_LINES) this.lines.shift();
  }
  toString(): string {
    return this.lines.join("\n");
  }
}

/** What a finished backup of either kind records on its row. */
export interface BackupFacts {
  sizeBytes: number;
  checksum: string;
  startLsn?: string;
  stopLsn?: string;
  timeline?: number;
  startWal?: string;
  stopWal?: string;
  database?: string;
  /** The age recipient the files were encrypted to at rest (lib/backup/at-rest.ts); absent: plain. */
  encryptionRecipient?: string;
}

export interface ServerFacts {
  versionNum: number;
  systemIdentifier: string | null;
  /** Bytes per WAL segment, to name the backup's start and stop segments. */
  walSegmentSize: number;
}

/** Both settled, then the first failure thrown: nothing still writes into a folder removed on failure. */
export async function bothOrThrow<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === "rejected") throw first.reason;
  if (second.status === "rejected") throw second.reason;
  return [first.value, second.value];
}

export interface Watch {
  /** What the program waits for, for the watchdog's message. */
  waitingFor: string;
  progressProbe?: () => Promise<string | number | null>;
}

/** Runs one program of the backup; its stderr goes to the log, and a stall or a failure throws. */
export async function runOrThrow(
  program: PgProgram,
  args: string[],
  access: NodeAccess | undefined,
  log: BackupLog,
  watch: Watch,
  onStderrLine?: (line: string) => void,
) {
  log.add(`$ ${program} ${args.join(" ")}`);
  const result = await runTool({
    program: toolPath(program),
    args,
    ...access,
    onStderrLine: (line) => {
      if (!onStderrLine?.(line)) log.add(line);
    },
    ...watch,
  });
  if (result.stalled) throw new Error(result.stalled);
  if (result.code !== 0) {
    throw new Error(
      `${program} failed (exit ${result.code ?? result.signal}): ${result.stderrTail.slice(-5).join(" | ") || "no output"}`,
    );
  }
}
