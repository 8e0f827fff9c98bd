import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { connectionFromInput } from "@/lib/clusters/test-connection";
import { AppError } from "@/lib/errors";
import { withNodeClient } from "@/lib/pg/connection";
import { describeConnectionError, probeNode } from "@/lib/pg/probe";
import type { NodeConnectionInput } from "@/lib/schemas/cluster";
import type { DiscoveredStandby, DiscoveredUpstream, DiscoveryReport } from "@/lib/schemas/cluster-discovery";

// Registering from one node: connect with the settings typed into the form, and list what the
// node sees of its replication, so the form can offer the standbys (and, from a standby, its
// upstream) instead of making the operator type each one. Nothing is stored: the password is
// used for this one connection and forgotten.

export interface StatReplicationRow {
  application_name: string | null;
  client_addr: string | null;
  client_hostname: string | null;
  client_port: number | null;
  state: string | null;
  sync_state: string | null;
  slot_name: string | null;
}

export interface WalReceiverRow {
  status: string | null;
  sender_host: string | null;
  sender_port: number | null;
  slot_name: string | null;
}

// Physical standbys only: a pg_basebackup in progress (state "backup") and logical walsenders
// (a logical slot) are not nodes. Walden's own pg_receivewal streams too, but it is not a node either.
const standbysSql = `/* walden */ select r.application_name, host(r.client_addr) as client_addr,
  r.client_hostname, r.client_port, r.state, r.sync_state, s.slot_name
from pg_stat_replication r
left join pg_replication_slots s on s.active_pid = r.pid
where r.state is distinct from 'backup' and coalesce(s.slot_type, 'physical') = 'physical'
order by r.application_name, r.client_addr`;

// conninfo is left out: it names the upstream's user and options, and nothing here needs it.
const upstreamSql = `/* walden */ select status, sender_host, sender_port, slot_name from pg_stat_wal_receiver`;

const clusterNameSql = `/* walden */ select current_setting('cluster_name') as name`;

const RECEIVEWAL_NAMES = /^(pg_receivewal|walden)/;

/** application_name → a node name Walden accepts ("Standby_1" → "standby-1"), unique in `taken`. */
export function suggestNodeName(applicationName: string, taken: Set<string>): string {
  const base =
    applicationName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 55) || "standby";
  let name = base === "primary" ? "standby" : base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

/** Rows of pg_stat_replication → the standbys the form offers (pure, unit-tested). */
export function toDiscoveredStandbys(rows: StatReplicationRow[]): DiscoveredStandby[] {
  const taken = new Set<string>(["primary"]);
  return rows
    .filter((row) => !RECEIVEWAL_NAMES.test(row.application_name ?? ""))
    .map((row) => {
      const applicationName = row.application_name ?? "";
      return {
        applicationName,
        suggestedName: suggestNodeName(applicationName, taken),
        clientAddr: row.client_addr,
        clientHostname: row.client_hostname,
        clientPort: row.client_port !== null && row.client_port > 0 ? row.client_port : null,
        state: row.state,
        syncState: row.sync_state,
        slotName: row.slot_name,
      };
    });
}

export function toDiscoveredUpstream(row: WalReceiverRow | undefined): DiscoveredUpstream | null {
  if (!row) return null;
  return {
    host: row.sender_host,
    port: row.sender_port,
    status: row.status,
    slotName: row.slot_name,
  };
}

function discoveryWarnings(report: DiscoveryReport): string[] {
  const warnings: string[] = [];
  const { node } = report;
  if (!node.privileges.pgMonitor && !node.privileges.superuser) {
    warnings.push(
      `Role "${node.currentUser}" is not a member of pg_monitor, so the standbys' addresses and states are hidden. Run: GRANT pg_monitor TO "${node.currentUser}";`,
    );
  }
  if (node.role === "standby" && !report.upstream) {
    warnings.push(
      "This node is a standby, but its WAL receiver is not running: where it streams from is unknown right now.",
    );
  }
  if (report.upstream?.host?.startsWith("/")) {
    warnings.push(
      `This standby reaches its upstream over a Unix socket (${report.upstream.host}): give Walden that server's network address.`,
    );
  }
  if (report.standbys.length > 0) {
    warnings.push(
      "PostgreSQL does not tell a primary which port each standby listens on: check the port of every standby you add.",
    );
  }
  return warnings;
}

/** POST /api/v1/clusters/discover: what one node sees of its replication. Audited: it dials out. */
export async function discoverFromNode(
  actor: Actor,
  input: NodeConnectionInput,
  meta: RequestMeta,
): Promise<DiscoveryReport> {
  const connection = connectionFromInput(input);
  const target = { type: "host", id: `${input.host}:${input.port}` };
  try {
    const node = await probeNode(connection);
    const { clusterName, standbys, upstream } = await withNodeClient(connection, async (client) => ({
      clusterName: (await client.query<{ name: string }>(clusterNameSql)).rows[0]?.name || null,
      standbys: toDiscoveredStandbys((await client.query<StatReplicationRow>(standbysSql)).rows),
      upstream:
        node.role === "standby"
          ? toDiscoveredUpstream((await client.query<WalReceiverRow>(upstreamSql)).rows[0])
          : null,
    })).catch((error: unknown) => {
      throw error instanceof AppError ? error : describeConnectionError(error, connection);
    });
    const suggestedName = suggestNodeName(
      clusterName ?? "",
      new Set(["primary", ...standbys.map((standby) => standby.suggestedName)]),
    );
    const report: DiscoveryReport = { node, clusterName, suggestedName, standbys, upstream, warnings: [] };
    report.warnings = discoveryWarnings(report);
    await audit(
      actor,
      {
        action: "cluster.discover",
        outcome: "success",
        target,
        details: { role: node.role, standbys: standbys.length, upstream: !!upstream },
      },
      meta,
    );
    return report;
  } catch (error) {
    await audit(
      actor,
      { action: "cluster.discover", outcome: "failed", target, details: { error: String(error) } },
      meta,
    );
    throw error;
  }
}
