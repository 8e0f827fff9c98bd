// Query-key factory: one place that names every cached read, so invalidation cannot drift.

/** The catalog filters GET /api/v1/backups takes; part of the key, so each filter set is cached apart. */
export interface BackupFilters {
  clusterId?: string;
  kind?: "physical" | "logical";
  status?: "queued" | "running" | "succeeded" | "failed" | "expired";
  limit?: number;
}

export const queryKeys = {
  clusters: {
    all: ["clusters"] as const,
    list: ["clusters", "list"] as const,
    detail: (id: string) => ["clusters", id] as const,
    /** Under the cluster, so whatever refreshes a cluster refreshes its repositories too. */
    repositories: (id: string) => ["clusters", id, "repositories"] as const,
  },
  replication: {
    all: (clusterId: string) => ["replication", clusterId] as const,
    snapshot: (clusterId: string) => ["replication", clusterId, "snapshot"] as const,
    lag: (clusterId: string, standby: string | null, range: string, points: number) =>
      ["replication", clusterId, "lag", { standby, range, points }] as const,
    events: (clusterId: string, range: string) => ["replication", clusterId, "events", { range }] as const,
  },
  backups: {
    all: ["backups"] as const,
    list: (filters: BackupFilters) => ["backups", "list", filters] as const,
    detail: (id: string) => ["backups", id] as const,
  },
  restoreWindow: (clusterId: string) => ["restore-window", clusterId] as const,
  schedules: (clusterId: string) => ["schedules", clusterId] as const,
  retention: {
    all: (clusterId: string) => ["retention", clusterId] as const,
    policy: (clusterId: string) => ["retention", clusterId, "policy"] as const,
    preview: (clusterId: string) => ["retention", clusterId, "preview"] as const,
  },
  users: { all: ["users"] as const },
  tokens: { all: ["tokens"] as const },
  audit: { list: (limit: number) => ["audit", { limit }] as const },
};
