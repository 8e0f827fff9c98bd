import pg from "pg";
import { TickWriter } from "@/lib/replication/store";
import { LOCK_NAMESPACE } from "@/lib/clusters/sampler-lock";
import { ClusterSampler, type SamplerLog } from "@/lib/worker/sampler-cluster";

// The replication samplers (design.md "Worker"): one owner per cluster, decided by a
// session-level advisory lock on the catalog, so N workers split the fleet and a dead
// worker's clusters are taken over by the others within one refresh.

export { LOCK_NAMESPACE };
/**
 * A SIGKILLed worker's locks go with its catalog session at once (the kernel closes its socket),
 * so takeover waits for the survivors' next refresh: 1 s, so the orphans are sampled again
 * within about 2 s. A refresh is two light catalog queries.
 */
const FLEET_REFRESH_MS = 1_000;
/**
 * Each worker's lock session is named with this prefix and its owner id, so workers count each
 * other in pg_stat_activity (and a DBA sees who holds which lock in pg_locks).
 */
const LOCK_SESSION_PREFIX = "walden-sampler ";
/**
 * A worker gives clusters away to a newcomer only once the number of workers has held this
 * long: a worker that restarts or crash-loops must not make clusters move back and forth.
 */
const REBALANCE_AFTER_MS = 10_000;

export class SamplerFleet {
  private lockClient: pg.Client | null = null;
  private readonly samplers = new Map<string, ClusterSampler>();
  private readonly writer: TickWriter;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private stopped = false;
  /** How many workers the last refresh counted, and since when. */
  private workers = { count: 0, since: 0 };

  constructor(
    private readonly databaseUrl: string,
    private readonly ownerId: string,
    private readonly log: SamplerLog,
  ) {
    this.writer = new TickWriter(databaseUrl);
  }

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

  /**
   * Lets go of deleted clusters, gives away what is beyond this worker's fair share once the
   * number of workers has settled, and claims clusters nobody samples, up to that share.
   */
  private async refresh(): Promise<void> {
    const client = await this.lockConnection();
    // A deleted (retired) cluster is let go: its pg_receivewal stops, and nobody claims it again.
    // With each live cluster, its registration's version: the sampler re-reads it when it changed.
    const { rows: clusters } = await client.query<{ id: string; version: string }>(
      `select c.id::text as id, c.updated_at::text || '/' || coalesce((select string_agg(n.id::text || '@' || n.updated_at::text, ',' order by n.id)
                from nodes n where n.cluster_id = c.id), '') as version
         from clusters c where c.retired_at is null`,
    );
    const wanted = new Map(clusters.map((cluster) => [cluster.id, cluster.version]));
    const gone = [...this.samplers.keys()].filter((id) => !wanted.has(id));
    await this.release(client, gone);
    for (const { id, version } of clusters) this.samplers.get(id)?.noteConfigVersion(version);

    const { rows } = await client.query<{ workers: number }>(
      "select count(*)::int as workers from pg_stat_activity where application_name like $1",
      [`${LOCK_SESSION_PREFIX}%`],
    );
    const workers = Math.max(1, rows[0]?.workers ?? 1);
    if (workers !== this.workers.count) this.workers = { count: workers, since: Date.now() };
    const share = Math.ceil(wanted.size / workers);
    if (this.samplers.size > share && Date.now() - this.workers.since >= REBALANCE_AFTER_MS) {
      const excess = shuffle([...this.samplers.keys()]).slice(0, this.samplers.size - share);
      await this.release(client, excess);
      this.log(`${workers} workers: gave ${excess.length} clusters away, keeping ${share}`);
    }

    // In random order, so workers starting together do not all reach for the same clusters.
    const free = shuffle([...wanted.keys()].filter((id) => !this.samplers.has(id)));
    const room = share - this.samplers.size;
    if (room <= 0 || free.length === 0 || this.stopped) return;
    // One query tries every free cluster (a lock is taken or not, never waited for); what is
    // beyond this worker's share is unlocked at once, before any sampling, for the others.
    const claimed = await client.query<{ id: string }>(
      "select id from unnest($2::text[]) as id where pg_try_advisory_lock($1, hashtext(id))",
      [LOCK_NAMESPACE, free],
    );
    const ids = claimed.rows.map((row) => row.id);
    await this.unlock(client, ids.slice(room));
    for (const id of ids.slice(0, room)) {
      const sampler = new ClusterSampler(id, this.ownerId, this.writer, this.log);
      // Its first tick loads this version: without it, the next refresh's version made every
      // new sampler read its registration again a second later (a Prisma query per cluster).
      sampler.noteConfigVersion(wanted.get(id)!);
      this.samplers.set(id, sampler);
      sampler.start();
    }
    if (ids.length > 0) {
      this.log(`sampling ${Math.min(room, ids.length)} more clusters (${this.samplers.size} in all)`);
    }
  }

  /** Stops sampling the clusters, then unlocks them: the next owner never overlaps this one. */
  private async release(client: pg.Client, ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.samplers.get(id)?.stop()));
    ids.forEach((id) => this.samplers.delete(id));
    await this.unlock(client, ids);
  }

  private async unlock(client: pg.Client, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await client.query("select pg_advisory_unlock($1, hashtext(id)) from unnest($2::text[]) as id", [
      LOCK_NAMESPACE,
      ids,
    ]);
  }

  /** The session that holds our locks; if it drops, the locks are gone, so stop sampling at once. */
  private async lockConnection(): Promise<pg.Client> {
    if (this.lockClient) return this.lockClient;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      // application_name holds 63 bytes at most; the server cuts a longer one.
      application_name: `${LOCK_SESSION_PREFIX}${this.ownerId}`,
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
    await this.writer.close();
    const client = this.lockClient;
    this.lockClient = null;
    // Ending the session releases every advisory lock it held.
    await client?.end().catch(() => {});
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}
