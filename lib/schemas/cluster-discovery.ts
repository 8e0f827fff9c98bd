import type { ConnectionReport } from "@/lib/schemas/cluster";
import { nodeConnectionSchema } from "@/lib/schemas/cluster";

// POST /api/v1/clusters/discover: register a cluster starting from one node. The request is a
// node's connection settings (the same fields as "test connection"); the answer is what that
// node sees of its replication: the standbys streaming from it and, for a standby, its upstream.

export const discoverRequestSchema = nodeConnectionSchema;

/** One walsender of pg_stat_replication that streams to a standby (not a backup, not logical). */
export interface DiscoveredStandby {
  /** The standby's application_name (its cluster_name, unless primary_conninfo sets one). */
  applicationName: string;
  /** A node name Walden would accept (lowercase, digits, '-'), unique within the answer. */
  suggestedName: string;
  /** Where the standby connects from; null when the role may not see it (no pg_monitor) or over a socket. */
  clientAddr: string | null;
  clientHostname: string | null;
  /**
   * The standby's source port of this connection, not the port it listens on: PostgreSQL does
   * not tell the primary that one, so the form asks for it.
   */
  clientPort: number | null;
  state: string | null;
  syncState: string | null;
  slotName: string | null;
}

/** Where a standby streams from (pg_stat_wal_receiver); host may be a socket folder. */
export interface DiscoveredUpstream {
  host: string | null;
  port: number | null;
  status: string | null;
  slotName: string | null;
}

export interface DiscoveryReport {
  node: ConnectionReport;
  /** The node's cluster_name: the application_name its upstream lists it under, unless primary_conninfo sets another. */
  clusterName: string | null;
  /** A node name for this node should it be registered as a standby (from clusterName). */
  suggestedName: string;
  standbys: DiscoveredStandby[];
  /** null for a primary, or a standby whose WAL receiver is not running. */
  upstream: DiscoveredUpstream | null;
  /** What the answer could not say, in words a DBA can act on. */
  warnings: string[];
}
