// Query-key factory: one place that names every cached read, so invalidation cannot drift.
export const queryKeys = {
  clusters: {
    all: ["clusters"] as const,
    detail: (id: string) => ["clusters", id] as const,
  },
  users: { all: ["users"] as const },
  tokens: { all: ["tokens"] as const },
  audit: { list: (limit: number) => ["audit", { limit }] as const },
};
