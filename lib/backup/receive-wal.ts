import fs from "node:fs/promises";
import { spawn, type ChildProcess } from "node:child_process";
import { receiveWalArgs, receiveWalCreateSlotArgs, receiveWalSlotName } from "@/lib/tools/argv";
import { toolPath } from "@/lib/tools/binaries";
import { passfileLine } from "@/lib/tools/passfile";
import { runTool, toolEnvironment } from "@/lib/tools/run";
import { mkdirPrivate } from "@/lib/fs-private";
import type { NodeConnection } from "@/lib/pg/connection";
import os from "node:os";
import path from "node:path";

// Archive mode "stream": Walden runs pg_receivewal with a slot into the cluster's archive
// folder, on the worker that owns the cluster (the sampler's advisory lock), and restarts it
// when it dies. Its passfile lives as long as the process and no longer.

const RESTART_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export class WalReceiver {
  private child: ChildProcess | null = null;
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
    return this.child !== null && this.child.exitCode === null;
  }

  start(): void {
    void this.launch();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    }
    await this.removePassfile();
  }

  private async writePassfile(): Promise<string> {
    this.passDir ??= await fs.mkdtemp(path.join(os.tmpdir(), "walden-receivewal-"));
    const file = path.join(this.passDir, "pgpass");
    const { host, port, user, password } = this.connection;
    // Replication connections match the pseudo-database "replication" in .pgpass: the '*' covers it.
    await fs.writeFile(file, passfileLine({ host, port, user, password: password ?? "" }) + "\n", {
      mode: 0o600,
    });
    return file;
  }

  private async removePassfile(): Promise<void> {
    if (this.passDir) await fs.rm(this.passDir, { recursive: true, force: true });
    this.passDir = null;
  }

  private async launch(): Promise<void> {
    if (this.stopped) return;
    try {
      await mkdirPrivate(this.directory);
      const passfile = await this.writePassfile();
      const created = await runTool({
        program: toolPath("pg_receivewal"),
        args: receiveWalCreateSlotArgs(this.connection, this.slot),
        passfile,
      });
      if (created.code !== 0)
        throw new Error(`could not create slot ${this.slot}: ${created.stderrTail.join(" | ")}`);
      if (this.stopped) return;
      const child = spawn(
        toolPath("pg_receivewal"),
        receiveWalArgs(this.connection, this.slot, this.directory),
        {
          env: toolEnvironment(passfile) as NodeJS.ProcessEnv,
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      this.child = child;
      this.log(`pg_receivewal for ${this.clusterName} started (slot ${this.slot})`);
      let lastError = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        const text = chunk.toString().trim();
        if (text) lastError = text.split("\n").at(-1)!;
        if (/finished segment/.test(text)) this.failures = 0;
      });
      child.on("exit", (code, signal) => {
        if (this.stopped) return;
        this.log(
          `pg_receivewal for ${this.clusterName} exited (${signal ?? code}): ${lastError}; restarting`,
        );
        this.scheduleRestart();
      });
    } catch (error) {
      this.log(`pg_receivewal for ${this.clusterName}: ${(error as Error).message}; retrying`);
      this.scheduleRestart();
    }
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    const delay = RESTART_DELAYS_MS[Math.min(this.failures, RESTART_DELAYS_MS.length - 1)]!;
    this.failures += 1;
    this.timer = setTimeout(() => void this.launch(), delay);
  }
}
