// Query-key factory: one place that names every cached read, so invalidation cannot drift.
export const queryKeys = {
  clusters: {
    all: ["clusters"] as const,
    list: ["clusters", "list"] as const,
    detail: (id: string) => ["clusters", id] as const,
  },
  replication: {
    all: (clusterId: string) => ["replication", clusterId] as const,
    snapshot: (clusterId: string) => ["replication", clusterId, "snapshot"] as const,
    lag: (clusterId: string, standby: string | null, range: string, points: number) =>
      ["replication", clusterId, "lag", { standby, range, points }] as const,
    events: (clusterId: string, range: string) => ["replication", clusterId, "events", { range }] as const,
  },
  users: { all: ["users"] as const },
  tokens: { all: ["tokens"] as const },
  audit: { list: (limit: number) => ["audit", { limit }] as const },
};
