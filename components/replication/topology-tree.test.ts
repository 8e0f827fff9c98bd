import { describe, expect, it } from "vitest";
import type { StandbyStatus } from "@/lib/schemas/replication";
import { buildTopology, type TopologyNode } from "./topology-tree";

function standby(name: string, upstream: string | null): StandbyStatus {
  return {
    name,
    upstream,
    state: "streaming",
    stateSince: "2026-11-26T14:00:00Z",
    reason: null,
    reachable: true,
    syncState: "async",
    sentLsn: null,
    writeLsn: null,
    flushLsn: null,
    receiveLsn: null,
    replayLsn: null,
    lagBytes: { sent: 0, write: 0, flush: 0, replay: 0 },
    lagSeconds: { write: 0, flush: 0, replay: 0 },
    replayPaused: false,
    lastReplayedCommitAt: null,
    timeline: 1,
    conflicts: 0,
    error: null,
  };
}

/** "name" for known upstreams, "name?" for unknown ones, children in brackets. */
function shape(nodes: TopologyNode[]): string {
  return nodes
    .map(
      (node) =>
        `${node.standby.name}${node.upstreamUnknown ? "?" : ""}${node.children.length ? `[${shape(node.children)}]` : ""}`,
    )
    .join(",");
}

describe("buildTopology", () => {
  it("hangs a cascading standby under its upstream", () => {
    expect(
      shape(buildTopology("primary", [standby("standby2", "standby1"), standby("standby1", "primary")])),
    ).toBe("standby1[standby2]");
  });

  it("accepts the primary's registered name as an upstream", () => {
    expect(shape(buildTopology("db1", [standby("a", "db1"), standby("b", "primary")]))).toBe("a,b");
  });

  it("puts standbys with a null or unknown upstream under the primary, marked", () => {
    expect(
      shape(buildTopology("primary", [standby("a", null), standby("b", "gone"), standby("c", "primary")])),
    ).toBe("c,a?,b?");
  });

  it("places every standby once, even in a loop or pointing at itself", () => {
    const tree = buildTopology("primary", [standby("a", "b"), standby("b", "a"), standby("c", "c")]);
    expect(shape(tree)).toBe("c?,a?[b]");
  });
});
