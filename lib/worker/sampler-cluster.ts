import { systemActor } from "@/lib/auth/system-actor";
import { dropClusterSlots, walReceiverSlots } from "@/lib/clusters/slots";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { db } from "@/lib/db";
import { WalReceiver } from "@/lib/backup/receive-wal";
import { MONITOR_STATEMENT_TIMEOUT_MS, type NodeConnection } from "@/lib/pg/connection";
import { knownPrimary, type NodeObservation } from "@/lib/clusters/current-primary";
import { NodeReader } from "@/lib/replication/node-reader";
import { asPrimaryReading, asStandbyReading } from "@/lib/replication/readings";
import type { TickWriter, StoredObservation } from "@/lib/replication/store";
import { ClusterTracker } from "@/lib/replication/tracker";
import { receiveWalSlotName } from "@/lib/backup/slot-names";

// One cluster's sampler: its registration, a reader per node, the tracker that turns each tick's
// readings into the snapshot, and what follows the primary (pg_receivewal, slot clean-up). The
// fleet (sampler.ts) decides which clusters this worker samples and starts and stops these.

/**
 * A registration is re-read when the fleet's refresh sees it changed (its clusters' and nodes'
 * updated_at, one query for the whole fleet every second), and at least this often regardless.
 * Re-reading every cluster every 10 s through Prisma was a fifth of a large fleet's worker CPU.
 */
const CONFIG_REFRESH_MS = 60_000;
/** Observed roles are re-written at least this often while unchanged. */
const OBSERVATION_REFRESH_MS = 5_000;

interface SampledNode {
  name: string;
  role: "primary" | "standby";
  host: string;
  port: number;
  connection: NodeConnection;
}

export type SamplerLog = (line: string) => void;

export class ClusterSampler {
  private readonly readers = new Map<string, NodeReader>();
  private tracker: ClusterTracker | null = null;
  private intervalSeconds = 1;
  private timer: NodeJS.Timeout | null = null;
  private configLoadedAt = 0;
  /** The registration's version (see SamplerFleet.refresh) last seen, and the one last loaded. */
  private configSeen: string | null = null;
  private configLoaded: string | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private nodes: SampledNode[] = [];
  /** What following the primary needs of the registration (pg_receivewal, slots). */
  private cluster: { id: string; name: string; archiveMode: string; archivePath: string | null } | null =
    null;
  /**
   * The node sampled as the primary: the one writable node when there is exactly one; else
   * (nobody writable, or a split brain) the one it was, so the charts keep their reference.
   */
  private actingPrimary: string | null = null;
  /** Nodes' observed roles are written when they change, and at least this often (freshness). */
  private observationsWrittenAt = 0;
  private lastObservations = "";
  /** pg_receivewal for clusters in archive mode "stream": the cluster's owner runs it. */
  private receiver: { key: string; receiver: WalReceiver } | null = null;
  /**
   * What the slot clean-up needs, set when the registration or the primary changes: the slot
   * names worked out once, not at every tick (the primary's slot list comes every second).
   */
  private slotOwner: {
    cluster: { id: string; name: string; archiveMode: string };
    primary: NodeConnection;
    /** The slot pg_receivewal streams from (named after the id) and every slot Walden may have made. */
    current: string;
    ours: string[];
  } | null = null;
  private cleaningSlots = false;
  /** After a failed drop, the next attempt waits (the slot list comes with every sample). */
  private nextSlotAttemptAt = 0;

  constructor(
    readonly clusterId: string,
    private readonly ownerId: string,
    private readonly writer: TickWriter,
    private readonly log: SamplerLog,
  ) {}

  /**
   * The first tick comes at once (a cluster taken over from a dead worker is sampled again
   * without delay); the second at a random point of the next interval, so clusters claimed
   * together do not tick together forever, every node of the fleet queried in the same
   * millisecond.
   */
  start(): void {
    this.schedule(0, true);
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
    cluster: { id: string; name: string; archiveMode: string; archivePath: string | null },
    primary: NodeConnection | null,
  ) {
    const wanted = cluster.archiveMode === "stream" && cluster.archivePath && primary;
    const key = wanted ? JSON.stringify([cluster.id, cluster.name, cluster.archivePath, primary]) : "";
    if (this.receiver?.key === key) return;
    await this.receiver?.receiver.stop();
    this.receiver = null;
    if (!wanted || this.stopped) return;
    const receiver = new WalReceiver(cluster.id, cluster.name, primary, cluster.archivePath!, this.log);
    this.receiver = { key, receiver };
    receiver.start();
  }

  /**
   * Drops the slots nobody reads any more: both of Walden's when the cluster no longer streams
   * (switched to archive_command), and the name-based one of older versions once the slot named
   * after the id is streaming (so WAL the archive lacks stays held until then). Driven by the
   * slots the primary's sample lists, so it costs nothing while there is nothing to drop; in the
   * background, so a slow drop never delays a sample.
   */
  private cleanUpSlots(listed: { slot_name: string; active: boolean }[]): void {
    const owner = this.slotOwner;
    if (!owner || this.cleaningSlots || this.stopped || Date.now() < this.nextSlotAttemptAt) return;
    const { cluster, primary, current } = owner;
    const streaming = cluster.archiveMode === "stream";
    if (streaming && !listed.some((slot) => slot.slot_name === current && slot.active)) return;
    const slots = owner.ours.filter(
      (slot) => listed.some((row) => row.slot_name === slot) && !(streaming && slot === current),
    );
    if (slots.length === 0) return;
    this.cleaningSlots = true;
    void dropClusterSlots(systemActor("sampler"), cluster, primary, {
      reason: streaming
        ? `replaced by ${current}, named after the cluster id`
        : "the cluster no longer streams WAL (archive mode archive_command)",
      // A receiver that was just stopped leaves its slot active for a moment.
      waitMs: streaming ? 0 : 10_000,
      slots,
      auditFailures: false,
    })
      .then((results) => {
        for (const result of results.filter((result) => result.outcome !== "absent"))
          this.log(
            `cluster ${cluster.id}: slot ${result.slot} ${result.outcome}${result.message ? `: ${result.message}` : ""}`,
          );
        if (results.some((result) => result.outcome === "failed"))
          this.nextSlotAttemptAt = Date.now() + 30_000;
      })
      .catch((error) => this.log(`cluster ${cluster.id}: slot clean-up: ${(error as Error).message}`))
      .finally(() => {
        this.cleaningSlots = false;
      });
  }

  private schedule(delayMs: number, first = false): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const startedAt = Date.now();
      this.running = this.tick()
        .catch((error) => this.log(`cluster ${this.clusterId}: sample failed: ${(error as Error).message}`))
        .finally(() => {
          // Keep the cadence: the next tick is due one interval after this one began.
          const elapsed = Date.now() - startedAt;
          const spread = first ? Math.random() * this.intervalSeconds * 1000 : 0;
          this.schedule(Math.max(0, this.intervalSeconds * 1000 - elapsed) + spread);
        });
    }, delayMs);
  }

  /** The fleet's refresh saw this version of the registration: a different one is re-read at the next tick. */
  noteConfigVersion(version: string): void {
    this.configSeen = version;
  }

  /** Re-reads the registration when it changed, so edits (ports, passwords, interval, standbys) take effect. */
  private async loadConfig(): Promise<boolean> {
    const version = this.configSeen;
    const cluster = await db().cluster.findUnique({
      where: { id: this.clusterId },
      include: { nodes: true },
    });
    if (!cluster || cluster.retiredAt) return false;
    if (this.tracker === null || cluster.sampleIntervalSeconds !== this.intervalSeconds) {
      this.intervalSeconds = cluster.sampleIntervalSeconds;
      this.tracker = new ClusterTracker(this.clusterId, this.intervalSeconds);
    }
    // Two intervals, at least the monitoring statement_timeout (2 s): a read past it is abandoned
    // and its connection dropped, and re-opening costs a full authentication. With a deadline
    // under one interval, a busy host's slow-but-alive nodes were reconnected every second, and
    // the worker spent its CPU on SCRAM and socket churn (measured). A hung node still delays
    // only its own cluster's sample, by this much.
    const deadlineMs = Math.min(5000, Math.max(MONITOR_STATEMENT_TIMEOUT_MS, this.intervalSeconds * 2000));
    // Each password decrypted once per load (the readers and what follows the primary share it).
    const connections = new Map(cluster.nodes.map((node) => [node.name, nodeConnection(node)]));
    for (const node of cluster.nodes) {
      const connection = connections.get(node.name)!;
      const reader = this.readers.get(node.name);
      if (reader) reader.reconfigure(connection);
      else this.readers.set(node.name, new NodeReader(connection, deadlineMs));
    }
    for (const [name, reader] of this.readers) {
      if (!connections.has(name)) {
        await reader.close();
        this.readers.delete(name);
      }
    }
    // After a worker restart, the primary is the one last observed (a failover survives it).
    this.actingPrimary ??= knownPrimary(cluster.nodes)?.name ?? null;
    this.cluster = cluster;
    this.nodes = cluster.nodes
      .map((node) => ({
        name: node.name,
        role: node.role,
        host: node.host,
        port: node.port,
        connection: connections.get(node.name)!,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    await this.followPrimary();
    this.configLoadedAt = Date.now();
    this.configLoaded = version;
    return true;
  }

  /** pg_receivewal, its slot and the slot clean-up go where the primary is now. */
  private async followPrimary(): Promise<void> {
    const cluster = this.cluster;
    const primary = this.nodes.find((node) => node.name === this.actingPrimary);
    if (!cluster) return;
    const connection = primary?.connection ?? null;
    await this.syncReceiver(cluster, connection);
    this.slotOwner = connection
      ? {
          cluster,
          primary: connection,
          current: receiveWalSlotName(cluster.id),
          ours: walReceiverSlots(cluster),
        }
      : null;
  }

  /**
   * The node to sample as the primary this tick. Registered roles are only a preference: the
   * one node not in recovery wins; with none, or several (split brain), the previous one stays.
   */
  private choosePrimary(observations: NodeObservation[]): string | null {
    const writable = observations.filter((node) => node.role === "primary").map((node) => node.name);
    if (writable.length === 1) return writable[0]!;
    if (this.actingPrimary && (writable.length === 0 || writable.includes(this.actingPrimary)))
      return this.actingPrimary;
    const registered = this.nodes.find((node) => node.role === "primary")?.name ?? null;
    if (registered && (writable.length === 0 || writable.includes(registered))) return registered;
    return writable[0] ?? registered;
  }

  /** The observed roles when they changed, or every few seconds so readers can tell they are fresh. */
  private observationsToSave(observations: StoredObservation[], at: Date): StoredObservation[] {
    const key = observations
      .map(({ name, role, timeline, error }) => `${name}\0${role}\0${timeline}\0${error}`)
      .join("\n");
    if (key === this.lastObservations && at.getTime() - this.observationsWrittenAt < OBSERVATION_REFRESH_MS)
      return [];
    this.lastObservations = key;
    this.observationsWrittenAt = at.getTime();
    return observations;
  }

  private async tick(): Promise<void> {
    if (
      !this.tracker ||
      (this.configSeen !== null && this.configSeen !== this.configLoaded) ||
      Date.now() - this.configLoadedAt > CONFIG_REFRESH_MS
    ) {
      if (!(await this.loadConfig())) return;
    }
    if (!this.tracker || this.nodes.length === 0) return;
    const at = new Date();
    // All nodes at once; each read has its own deadline, so one hung node delays nobody.
    const readings = await Promise.all(this.nodes.map((node) => this.readers.get(node.name)!.readNode()));
    const observations = this.nodes.map((node, index): StoredObservation => {
      const reading = readings[index]!;
      if (!reading.ok)
        return { name: node.name, role: "unreachable", timeline: null, error: reading.error, at };
      const timeline =
        reading.data.role === "primary"
          ? (reading.data.data.position?.timeline ?? null)
          : reading.data.data.timeline;
      return { name: node.name, role: reading.data.role, timeline, error: null, at };
    });
    const chosen = this.choosePrimary(observations);
    if (!chosen) return;
    if (chosen !== this.actingPrimary) {
      this.log(
        `cluster ${this.clusterId}: ${chosen} is the primary now (was ${this.actingPrimary ?? "none"})`,
      );
      this.actingPrimary = chosen;
      await this.followPrimary();
    }
    const primaryIndex = this.nodes.findIndex((node) => node.name === chosen);
    const primary = this.nodes[primaryIndex]!;
    const primaryReading = asPrimaryReading(readings[primaryIndex]!);
    const result = this.tracker.tick({
      at,
      primary: { ...address(primary), reading: primaryReading },
      standbys: this.nodes
        .map((node, index) => ({ ...address(node), reading: asStandbyReading(readings[index]!) }))
        .filter((node) => node.name !== chosen),
    });
    for (const event of result.events) this.log(`cluster ${this.clusterId}: ${event.message}`);
    if (primaryReading?.ok && primaryReading.data.position) this.cleanUpSlots(primaryReading.data.slots);
    if (!this.stopped)
      await this.writer.save({
        clusterId: this.clusterId,
        ownerId: this.ownerId,
        result,
        observations: this.observationsToSave(observations, at),
      });
  }
}

const address = ({ name, host, port }: SampledNode) => ({ name, host, port });
