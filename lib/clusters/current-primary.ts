import { getClusterRowOrThrow, type ClusterRow, type NodeRow } from "@/lib/clusters/queries";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { AppError, appError } from "@/lib/errors";
import { withNodeClient } from "@/lib/pg/connection";
import type { BackupFrom } from "@/lib/schemas/schedule";

// Which node of a cluster is the writable one now. The registered role is a preference (which
// node the operator meant as primary); what a node IS comes from the node itself: in recovery or
// not. An HA manager (Patroni, repmgr, an operator) may have promoted a standby since the
// registration, and everything that must write to or stream from the primary (backups,
// pg_receivewal and its slot, configuration checks, a logical restore's source) follows the
// answer given here. README "How Walden sees roles".

export type ObservedRole = "primary" | "standby" | "unreachable";

export interface NodeObservation {
  name: string;
  role: ObservedRole;
  /** Why the node could not be read (role "unreachable"). */
  error: string | null;
}

/** No node answers as writable: the primary is down and no standby has been promoted (yet). */
export class NoWritableNodeError extends AppError {
  constructor(clusterName: string, observations: NodeObservation[]) {
    super(
      "upstream_unavailable",
      `cluster ${clusterName} has no writable node: ${describe(observations)}. Start the primary or promote a standby; Walden follows the node that is not in recovery`,
    );
    this.name = "NoWritableNodeError";
  }
}

/** Two or more nodes answer as writable at once: each takes writes the other never sees. */
export class SplitBrainError extends AppError {
  constructor(
    clusterName: string,
    readonly writable: string[],
  ) {
    super(
      "conflict",
      `split brain in cluster ${clusterName}: ${writable.join(" and ")} are all writable (not in recovery). No backup is taken until only one is: stop or demote the one that should not be primary`,
    );
    this.name = "SplitBrainError";
  }
}

function describe(observations: NodeObservation[]): string {
  return observations
    .map((node) =>
      node.role === "unreachable"
        ? `${node.name} unreachable (${node.error})`
        : `${node.name} is a ${node.role}`,
    )
    .join(", ");
}

/**
 * The one writable node among the observations; none or several is an error that says what
 * each node is. Pure: the sampler's readings and a live probe both decide through it.
 */
export function pickWritable(clusterName: string, observations: NodeObservation[]): string {
  const writable = observations.filter((node) => node.role === "primary").map((node) => node.name);
  if (writable.length > 1) throw new SplitBrainError(clusterName, writable);
  if (writable.length === 0) throw new NoWritableNodeError(clusterName, observations);
  return writable[0]!;
}

/** A live observation: with, for a standby, whether its WAL receiver runs (it follows a primary). */
type LiveObservation = NodeObservation & { receiving: boolean };

/** Asks one node, over a short monitoring session, whether it is in recovery. */
async function observe(node: NodeRow): Promise<LiveObservation> {
  try {
    // pg_stat_wal_receiver shows a row (its details only to pg_read_all_stats) while one runs.
    const row = await withNodeClient(nodeConnection(node), async (client) => {
      const { rows } = await client.query<{ in_recovery: boolean; receiving: boolean }>(
        "/* walden */ select pg_is_in_recovery() as in_recovery, exists (select 1 from pg_stat_wal_receiver) as receiving",
      );
      return rows[0]!;
    });
    return {
      name: node.name,
      role: row.in_recovery ? "standby" : "primary",
      error: null,
      receiving: row.receiving,
    };
  } catch (error) {
    return { name: node.name, role: "unreachable", error: (error as Error).message, receiving: false };
  }
}

/** Every node asked at once, now. */
export async function observeNodes(cluster: Pick<ClusterRow, "nodes">): Promise<LiveObservation[]> {
  return Promise.all(cluster.nodes.map(observe));
}

/**
 * The node that is writable now, asked live of every node (not the last sample: a backup must
 * not start on a node that was demoted a second ago). Throws SplitBrainError or
 * NoWritableNodeError, with what each node answered.
 */
export async function currentPrimaryOf(cluster: Pick<ClusterRow, "name" | "nodes">): Promise<NodeRow> {
  const name = pickWritable(cluster.name, await observeNodes(cluster));
  return cluster.nodes.find((node) => node.name === name)!;
}

export async function currentPrimary(clusterId: string): Promise<NodeRow> {
  return currentPrimaryOf(await getClusterRowOrThrow(clusterId));
}

/**
 * Without asking the nodes: the node the sampler last saw writable when it saw exactly one,
 * else the registered primary. For what only needs the primary's settings (its database, its
 * user) or shows it, and must not fail while a node is down.
 */
export function knownPrimary<N extends Pick<NodeRow, "role" | "observedRole" | "observedAt">>(
  nodes: N[],
): N | undefined {
  const latest = Math.max(0, ...nodes.map((node) => node.observedAt?.getTime() ?? 0));
  const writable = nodes.filter(
    (node) => node.observedRole === "primary" && node.observedAt?.getTime() === latest,
  );
  if (writable.length === 1) return writable[0];
  return nodes.find((node) => node.role === "primary");
}

export interface BackupSource {
  /** The node pg_basebackup reads from. */
  node: NodeRow;
  /** The writable node: it switches WAL so the backup's last segment reaches the archive. */
  primary: NodeRow;
  role: "primary" | "standby";
  /** Why this node, for the backup's log. */
  reason: string;
}

/**
 * The node a physical backup reads from, asked live. Refused during a split brain, and without
 * a primary (a standby's backup needs one to archive its last WAL segment). A named standby that
 * is not a streaming standby now is an error; "prefer-standby" falls back to the primary.
 */
export async function backupSource(
  cluster: Pick<ClusterRow, "name" | "nodes">,
  from: BackupFrom,
): Promise<BackupSource> {
  const observations = await observeNodes(cluster);
  const primary = cluster.nodes.find((node) => node.name === pickWritable(cluster.name, observations))!;
  const onPrimary = (reason: string): BackupSource => ({ node: primary, primary, role: "primary", reason });
  const streaming = observations.filter((node) => node.role === "standby" && node.receiving);
  const standby = (name: string): BackupSource => ({
    node: cluster.nodes.find((node) => node.name === name)!,
    primary,
    role: "standby",
    reason: `from standby ${name}`,
  });
  if (from === "primary") return onPrimary(`from the primary ${primary.name}`);
  if (from === "prefer-standby") {
    const chosen = streaming[0];
    return chosen
      ? standby(chosen.name)
      : onPrimary(`from the primary ${primary.name}: no standby is streaming (${describe(observations)})`);
  }
  const name = from.slice("standby:".length);
  const wanted = observations.find((node) => node.name === name);
  if (!wanted)
    throw appError("unprocessable_entity", "clusters.noNodeToBackUpFrom", { cluster: cluster.name, name });
  if (!streaming.includes(wanted)) {
    const now =
      wanted.role === "unreachable"
        ? `unreachable (${wanted.error})`
        : wanted.role === "primary"
          ? "the primary now"
          : "in recovery but not receiving WAL";
    throw new AppError(
      "upstream_unavailable",
      `the schedule backs up from standby ${name}, which is ${now}; choose another node or "prefer-standby"`,
    );
  }
  return standby(name);
}
