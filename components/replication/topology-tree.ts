import type { StandbyStatus } from "@/lib/schemas/replication";

export interface TopologyNode {
  standby: StandbyStatus;
  /** Its upstream is null, not a known node, or part of a loop: drawn under the primary, dashed. */
  upstreamUnknown: boolean;
  children: TopologyNode[];
}

/**
 * The standbys as a tree under the primary: a standby streaming from another standby (cascading)
 * hangs under that standby. Every standby appears exactly once, whatever the upstreams say.
 */
export function buildTopology(primaryName: string, standbys: StandbyStatus[]): TopologyNode[] {
  const names = new Set(standbys.map((standby) => standby.name));
  const isPrimary = (upstream: string) => upstream === "primary" || upstream === primaryName;
  const childrenOf = new Map<string, StandbyStatus[]>();
  const unknown: StandbyStatus[] = [];

  for (const standby of standbys) {
    const { upstream } = standby;
    if (upstream !== null && isPrimary(upstream)) {
      childrenOf.set("", [...(childrenOf.get("") ?? []), standby]);
    } else if (upstream !== null && upstream !== standby.name && names.has(upstream)) {
      childrenOf.set(upstream, [...(childrenOf.get(upstream) ?? []), standby]);
    } else {
      unknown.push(standby);
    }
  }

  const placed = new Set<string>();
  const grow = (standby: StandbyStatus, upstreamUnknown: boolean): TopologyNode => {
    placed.add(standby.name);
    const children = (childrenOf.get(standby.name) ?? [])
      .filter((child) => !placed.has(child.name))
      .map((child) => grow(child, false));
    return { standby, upstreamUnknown, children };
  };

  const roots = (childrenOf.get("") ?? []).map((standby) => grow(standby, false));
  for (const standby of unknown) if (!placed.has(standby.name)) roots.push(grow(standby, true));
  // Standbys that only stream from each other (a loop) are reached from nowhere.
  for (const standby of standbys) if (!placed.has(standby.name)) roots.push(grow(standby, true));
  return roots;
}
