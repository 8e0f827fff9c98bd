import pg from "pg";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { db } from "@/lib/db";
import { WalReceiver } from "@/lib/backup/receive-wal";
import type { NodeConnection } from "@/lib/pg/connection";
import { NodeReader } from "@/lib/replication/node-reader";
import { saveTick } from "@/lib/replication/store";
import { ClusterTracker } from "@/lib/replication/tracker";

// The replication samplers (design.md "Worker"): one owner per cluster, decided by a
// session-level advisory lock on the catalog, so N workers split the fleet and a dead
// worker's clusters are taken over by the others within one refresh.

/** Advisory-lock namespace ("WALD"), so our locks never collide with other users of the catalog. */
const LOCK_NAMESPACE = 0x57414c44;
const FLEET_REFRESH_MS = 3_000;
const CONFIG_REFRESH_MS = 10_000;

type Log = (line: string) => void;

class ClusterSampler {
  private readonly readers = new Map<string, NodeReader>();
  private tracker: ClusterTracker | null = null;
  private intervalSeconds = 1;
  private timer: NodeJS.Timeout | null = null;
  private configLoadedAt = 0;
  private running: Promise<void> | null = null;
  private stopped = false;
  private nodes: { name: string; role: "primary" | "standby"; host: string; port: number }[] = [];
  /** pg_receivewal for clusters in archive mode "stream": the cluster's owner runs it. */
  private receiver: { key: string; receiver: WalReceiver } | null = null;

  constructor(
    readonly clusterId: string,
    private readonly ownerId: string,
    private readonly log: Log,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await Promise.all([...this.readers.values()].map((reader) => reader.close()));
    await this.receiver?.receiver.stop();
    this.receiver = null;
  }

  /** Starts, restarts with new settings, or stops pg_receivewal to match the registration. */
  private async syncReceiver(
    cluster: { name: string; archiveMode: string; archivePath: string | null },
    primary: NodeConnection | null,
  ) {
    const wanted = cluster.archiveMode === "stream" && cluster.archivePath && primary;
    const key = wanted ? JSON.stringify([cluster.name, cluster.archivePath, primary]) : "";
    if (this.receiver?.key === key) return;
    await this.receiver?.receiver.stop();
    this.receiver = null;
    if (!wanted || this.stopped) return;
    const receiver = new WalReceiver(cluster.name, primary, cluster.archivePath!, this.log);
    this.receiver = { key, receiver };
    receiver.start();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const startedAt = Date.now();
      this.running = this.tick()
        .catch((error) => this.log(`cluster ${this.clusterId}: sample failed: ${(error as Error).message}`))
        .finally(() => {
          // Keep the cadence: the next tick is due one interval after this one began.
          const elapsed = Date.now() - startedAt;
          this.schedule(Math.max(0, this.intervalSeconds * 1000 - elapsed));
        });
    }, delayMs);
  }

  /** Re-reads the registration now and then, so edits (ports, passwords, interval, standbys) take effect. */
  private async loadConfig(): Promise<boolean> {
    const cluster = await db().cluster.findUnique({
      where: { id: this.clusterId },
      include: { nodes: true },
    });
    if (!cluster) return false;
    if (this.tracker === null || cluster.sampleIntervalSeconds !== this.intervalSeconds) {
      this.intervalSeconds = cluster.sampleIntervalSeconds;
      this.tracker = new ClusterTracker(this.clusterId, this.intervalSeconds);
    }
    const deadlineMs = Math.min(5000, Math.max(800, this.intervalSeconds * 1000 - 200));
    const seen = new Set<string>();
    for (const node of cluster.nodes) {
      seen.add(node.name);
      const connection = nodeConnection(node);
      const reader = this.readers.get(node.name);
      if (reader) reader.reconfigure(connection);
      else this.readers.set(node.name, new NodeReader(connection, deadlineMs));
    }
    for (const [name, reader] of this.readers) {
      if (!seen.has(name)) {
        await reader.close();
        this.readers.delete(name);
      }
    }
    const primaryNode = cluster.nodes.find((node) => node.role === "primary");
    await this.syncReceiver(cluster, primaryNode ? nodeConnection(primaryNode) : null);
    this.nodes = cluster.nodes
      .map((node) => ({ name: node.name, role: node.role, host: node.host, port: node.port }))
      .sort((a, b) => a.name.localeCompare(b.name));
    this.configLoadedAt = Date.now();
    return true;
  }

  private async tick(): Promise<void> {
    if (Date.now() - this.configLoadedAt > CONFIG_REFRESH_MS || !this.tracker) {
      if (!(await this.loadConfig())) return;
    }
    const primary = this.nodes.find((node) => node.role === "primary");
    if (!primary || !this.tracker) return;
    const standbys = this.nodes.filter((node) => node.role === "standby");
    const at = new Date();
    // All nodes at once; each read has its own deadline, so one hung node delays nobody.
    const [primaryReading, ...standbyReadings] = await Promise.all([
      this.readers.get(primary.name)!.readPrimary(),
      ...standbys.map((standby) => this.readers.get(standby.name)!.readStandby()),
    ]);
    const result = this.tracker.tick({
      at,
      primary: { ...primary, reading: primaryReading! },
      standbys: standbys.map((standby, index) => ({ ...standby, reading: standbyReadings[index]! })),
    });
    for (const event of result.events) this.log(`cluster ${this.clusterId}: ${event.message}`);
    if (!this.stopped) await saveTick(this.clusterId, this.ownerId, result);
  }
}

export class SamplerFleet {
  private lockClient: pg.Client | null = null;
  private readonly samplers = new Map<string, ClusterSampler>();
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly ownerId: string,
    private readonly log: Log,
  ) {}

  start(): void {
    const loop = () => {
      this.refreshing = this.refresh()
        .catch((error) => this.log(`sampler fleet: ${(error as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, FLEET_REFRESH_MS);
        });
    };
    loop();
  }

  get ownedClusterIds(): string[] {
    return [...this.samplers.keys()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.refreshing;
    await this.releaseAll();
  }

  /** Claims clusters nobody samples, and lets go of deleted ones. */
  private async refresh(): Promise<void> {
    const client = await this.lockConnection();
    const clusters = await db().cluster.findMany({ select: { id: true } });
    const wanted = new Set(clusters.map((cluster) => cluster.id));
    for (const [id, sampler] of this.samplers) {
      if (wanted.has(id)) continue;
      await sampler.stop();
      this.samplers.delete(id);
      await client.query("select pg_advisory_unlock($1, hashtext($2))", [LOCK_NAMESPACE, id]);
    }
    for (const { id } of clusters) {
      if (this.samplers.has(id) || this.stopped) continue;
      const { rows } = await client.query<{ locked: boolean }>(
        "select pg_try_advisory_lock($1, hashtext($2)) as locked",
        [LOCK_NAMESPACE, id],
      );
      if (!rows[0]?.locked) continue;
      const sampler = new ClusterSampler(id, this.ownerId, this.log);
      this.samplers.set(id, sampler);
      sampler.start();
      this.log(`sampling cluster ${id}`);
    }
  }

  /** The session that holds our locks; if it drops, the locks are gone, so stop sampling at once. */
  private async lockConnection(): Promise<pg.Client> {
    if (this.lockClient) return this.lockClient;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: "walden-sampler-locks",
    });
    client.on("error", (error) => {
      this.log(`sampler lock connection lost (${error.message}); releasing all clusters`);
      this.lockClient = null;
      void this.stopSamplers();
    });
    await client.connect();
    this.lockClient = client;
    return client;
  }

  private async stopSamplers(): Promise<void> {
    const samplers = [...this.samplers.values()];
    this.samplers.clear();
    await Promise.all(samplers.map((sampler) => sampler.stop()));
  }

  private async releaseAll(): Promise<void> {
    await this.stopSamplers();
    const client = this.lockClient;
    this.lockClient = null;
    // Ending the session releases every advisory lock it held.
    await client?.end().catch(() => {});
  }
}
