// Monitoring SQL keyed by the lowest PostgreSQL major it works on (pgwatch's metrics.yaml
// idea): the sampler picks the newest variant not newer than the server.

export const MIN_SUPPORTED_VERSION_NUM = 130000;

export type NodeScope = "primary" | "standby" | "any";

export interface VersionedQuery {
  name: string;
  /** Where it may run: primary-only functions (pg_current_wal_lsn) fail in recovery, and vice versa. */
  scope: NodeScope;
  /** server_version_num of the first major each variant is for → SQL. */
  variants: Record<number, string>;
}

export function sqlFor(query: VersionedQuery, serverVersionNum: number): string {
  const usable = Object.keys(query.variants)
    .map(Number)
    .filter((since) => since <= serverVersionNum)
    .sort((a, b) => b - a);
  const since = usable[0];
  if (since === undefined) {
    throw new Error(
      `${query.name}: PostgreSQL ${serverVersionNum} is older than ${MIN_SUPPORTED_VERSION_NUM}, the oldest Walden supports`,
    );
  }
  return query.variants[since]!;
}
