import { AppError, appError } from "@/lib/errors";
import { CLEARTEXT_REFUSED, withNodeClient, type NodeConnection } from "@/lib/pg/connection";
import { describeTlsError } from "@/lib/pg/tls";
import type { ConnectionReport } from "@/lib/schemas/cluster";

export interface ProbeRow {
  server_version: string;
  server_version_num: number;
  in_recovery: boolean;
  current_user: string;
  is_superuser: boolean;
  has_replication: boolean;
  has_pg_monitor: boolean;
}

const probeSql = `/* walden */ select
  current_setting('server_version') as server_version,
  current_setting('server_version_num')::int as server_version_num,
  pg_is_in_recovery() as in_recovery,
  current_user as current_user,
  r.rolsuper as is_superuser,
  r.rolreplication as has_replication,
  pg_has_role(current_user, 'pg_monitor', 'member') as has_pg_monitor
from pg_roles r where r.rolname = current_user`;

// pg_control_system() is not granted to every role; without it we still report the rest.
const systemIdentifierSql = `/* walden */ select system_identifier::text as system_identifier from pg_control_system()`;

/** Turns the probe row into the report, with missing privileges in words a DBA can act on. */
export function toConnectionReport(row: ProbeRow, systemIdentifier: string | null): ConnectionReport {
  const warnings: string[] = [];
  if (row.server_version_num < 130000) {
    warnings.push(`PostgreSQL ${row.server_version} is older than 13, the oldest version Walden supports.`);
  }
  if (!row.is_superuser && !row.has_pg_monitor) {
    warnings.push(
      `Role "${row.current_user}" is not a member of pg_monitor: replication and archiver views will be incomplete. Run: GRANT pg_monitor TO "${row.current_user}";`,
    );
  }
  if (!row.is_superuser && !row.has_replication) {
    warnings.push(
      `Role "${row.current_user}" lacks the REPLICATION attribute: physical backups (pg_basebackup) and WAL streaming will fail. Run: ALTER ROLE "${row.current_user}" REPLICATION;`,
    );
  }
  if (systemIdentifier === null) {
    warnings.push("Could not read the system identifier (pg_control_system() is not granted to this role).");
  }
  return {
    ok: true,
    serverVersion: row.server_version,
    serverVersionNum: row.server_version_num,
    role: row.in_recovery ? "standby" : "primary",
    systemIdentifier,
    currentUser: row.current_user,
    privileges: {
      superuser: row.is_superuser,
      replication: row.is_superuser || row.has_replication,
      pgMonitor: row.is_superuser || row.has_pg_monitor,
    },
    warnings,
  };
}

/** Maps a connection failure to an error a person can act on: unreachable → 503, refused credentials → 422. */
export function describeConnectionError(error: unknown, node: NodeConnection): AppError {
  const where = `${node.host}:${node.port}`;
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (message === CLEARTEXT_REFUSED)
    return new AppError("unprocessable_entity", `${where}: ${CLEARTEXT_REFUSED}`, { field: "password" });
  const tlsProblem = error instanceof Error ? describeTlsError(error, node.tls) : undefined;
  if (tlsProblem)
    return new AppError("unprocessable_entity", `${where}: ${tlsProblem}`, { field: "sslmode" });
  switch (code) {
    case "ECONNREFUSED":
      return appError("upstream_unavailable", "connection.refused", { where });
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return appError("upstream_unavailable", "connection.unknownHost", { host: node.host });
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return appError("upstream_unavailable", "connection.unreachable", { where, code });
    case "28P01":
      return appError(
        "unprocessable_entity",
        "connection.passwordFailed",
        { user: node.user, where },
        { field: "password" },
      );
    case "28000":
      return appError(
        "unprocessable_entity",
        "connection.userRefused",
        { where, user: node.user, reason: message ?? "not allowed" },
        { field: "user" },
      );
    case "3D000":
      return appError(
        "unprocessable_entity",
        "connection.noDatabase",
        { database: node.database, where },
        { field: "database" },
      );
  }
  if (message && /timeout/i.test(message)) {
    return appError("upstream_unavailable", "connection.timedOut", { where });
  }
  return appError("upstream_unavailable", "connection.failed", { where, reason: message ?? String(error) });
}

/** "Test connection": version, role, system identifier and missing privileges of one node. */
export async function probeNode(node: NodeConnection): Promise<ConnectionReport> {
  try {
    return await withNodeClient(node, async (client) => {
      const { rows } = await client.query<ProbeRow>(probeSql);
      const row = rows[0];
      if (!row) throw new Error("probe query returned no row");
      const systemIdentifier = await client
        .query<{ system_identifier: string }>(systemIdentifierSql)
        .then((result) => result.rows[0]?.system_identifier ?? null)
        .catch(() => null);
      return toConnectionReport(row, systemIdentifier);
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw describeConnectionError(error, node);
  }
}
