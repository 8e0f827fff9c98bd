import fs from "node:fs/promises";
import { receiveWalSlotName } from "@/lib/backup/slot-names";
import { receiveWalArgs, receiveWalCreateSlotArgs } from "@/lib/tools/argv";
import { toolPath } from "@/lib/tools/binaries";
import { writeNodeAccess, type NodeAccess } from "@/lib/tools/node-access";
import { runTool } from "@/lib/tools/run";
import { mkdirPrivate } from "@/lib/fs-private";
import { sealClusterArchive } from "@/lib/wal/sealed-wal";
import { withNodeClient, type NodeConnection } from "@/lib/pg/connection";
import os from "node:os";
import path from "node:path";

// Archive mode "stream": Walden runs pg_receivewal with a slot into the cluster's archive
// folder, on the worker that owns the cluster (the sampler's advisory lock), and restarts it
// when it dies. Its passfile lives as long as the process and no longer. It runs under the
// watchdog like every program: its progress is read on the primary (the slot's walsender
// reports what pg_receivewal wrote), so an idle primary is no stall but a hung stream is.
// With the local repository encrypted at rest, each segment it finishes is sealed at once
// (lib/wal/sealed-wal.ts); the `.partial` it is writing stays plain until then. It restarts
// from its slot's position, not from the files, so sealed segments do not confuse it.

const RESTART_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export class WalReceiver {
  private run: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private alive = false;
  private passDir: string | null = null;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clusterId: string,
    private readonly clusterName: string,
    private readonly connection: NodeConnection,
    private readonly directory: string,
    private readonly log: (line: string) => void,
  ) {}

  get slot(): string {
    return receiveWalSlotName(this.clusterId);
  }

  get running(): boolean {
    return this.alive;
  }

  start(): void {
    void this.launch();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort?.abort();
    if (this.run) await Promise.race([this.run, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    await this.removePassfile();
  }

  /** The passfile and CA file live as long as this receiver, in a private folder of its own. */
  private async writeAccess(): Promise<NodeAccess> {
    this.passDir ??= await fs.mkdtemp(path.join(os.tmpdir(), "walden-receivewal-"));
    return writeNodeAccess(this.passDir, this.connection);
  }

  private async removePassfile(): Promise<void> {
    if (this.passDir) await fs.rm(this.passDir, { recursive: true, force: true });
    this.passDir = null;
  }

  private async launch(): Promise<void> {
    if (this.stopped) return;
    try {
      await mkdirPrivate(this.directory);
      const access = await this.writeAccess();
      const created = await runTool({
        program: toolPath("pg_receivewal"),
        args: receiveWalCreateSlotArgs(this.connection, this.slot),
        ...access,
      });
      if (created.code !== 0)
        throw new Error(`could not create slot ${this.slot}: ${created.stderrTail.join(" | ")}`);
      if (this.stopped) return;
      this.abort = new AbortController();
      this.alive = true;
      this.log(`pg_receivewal for ${this.clusterName} started (slot ${this.slot})`);
      let lastError = "";
      const { host, port } = this.connection;
      this.run = runTool({
        program: toolPath("pg_receivewal"),
        args: receiveWalArgs(this.connection, this.slot, this.directory),
        ...access,
        signal: this.abort.signal,
        onStderrLine: (line) => {
          lastError = line;
          if (/finished segment/.test(line)) {
            this.failures = 0;
            // Encrypted at rest: the segment just completed is sealed now, not at the next scan.
            void sealClusterArchive(this.clusterId, this.log);
          }
        },
        waitingFor: `the primary ${host}:${port} to stream WAL into ${this.directory} (slot ${this.slot})`,
        progressProbe: () => this.streamProgress(),
      }).then(
        (result) => {
          this.alive = false;
          if (this.stopped) return;
          this.log(
            `pg_receivewal for ${this.clusterName} exited (${result.signal ?? result.code}): ${result.stalled ?? lastError}; restarting`,
          );
          this.scheduleRestart();
        },
        (error: Error) => {
          this.alive = false;
          if (this.stopped) return;
          this.log(`pg_receivewal for ${this.clusterName} could not run: ${error.message}; restarting`);
          this.scheduleRestart();
        },
      );
    } catch (error) {
      this.log(`pg_receivewal for ${this.clusterName}: ${(error as Error).message}; retrying`);
      this.scheduleRestart();
    }
  }

  /**
   * The watchdog's probe: the position pg_receivewal last reported writing, as its walsender
   * shows it; a primary with nothing new to send counts as progress (an idle primary is no stall).
   */
  private async streamProgress(): Promise<string> {
    return withNodeClient(this.connection, async (client) => {
      const { rows } = await client.query<{ current: string; written: string | null }>(
        `/* walden */ select pg_current_wal_lsn()::text as current,
           (select r.write_lsn::text from pg_stat_replication r
              join pg_replication_slots s on s.active_pid = r.pid where s.slot_name = $1) as written`,
        [this.slot],
      );
      const { current, written } = rows[0]!;
      return written === current ? `caught up ${Date.now()}` : `written ${written}`;
    });
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    const delay = RESTART_DELAYS_MS[Math.min(this.failures, RESTART_DELAYS_MS.length - 1)]!;
    this.failures += 1;
    this.timer = setTimeout(() => void this.launch(), delay);
  }
}
