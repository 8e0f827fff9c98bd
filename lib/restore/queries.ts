import { z } from "zod";
import { hasRole, type Role } from "@/lib/auth/roles";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { readJson } from "@/lib/db/json";
import { appError } from "@/lib/errors";
import type { Restore } from "@/lib/generated/prisma/client";
import { askWorker } from "@/lib/queue/ask";
import type { TableEventsQuery } from "@/lib/schemas/restore";
import {
  reachedSchema,
  restoreStepSchema,
  storedInstanceSchema,
  type RestoreView,
} from "@/lib/schemas/restore-view";
import { psqlCommand } from "@/lib/tools/psql-command";

// Restores as the API returns them (design.md: GET /api/v1/restores/:id; the shape is a wire
// type in lib/schemas/restore-view.ts).

export type { RestoreView };

function instanceView(row: Restore): RestoreView["instance"] {
  const info = readJson(storedInstanceSchema, row.instance, "restore instance");
  if (!info?.host || !info.port || !info.database) return null;
  if (row.kind === "pitr" && row.instanceState === "removed") return null;
  const running = row.kind !== "pitr" || row.instanceState === "running";
  return {
    host: info.host,
    port: info.port,
    database: info.database,
    user: info.user,
    name: info.name,
    dataDir: info.dataDir,
    state: row.instanceState,
    psql:
      running && info.user
        ? psqlCommand({ host: info.host, port: info.port, user: info.user, database: info.database })
        : null,
  };
}

const verificationWithRowsSchema = z.looseObject({
  check: z.looseObject({ rows: z.array(z.unknown()) }),
});

/**
 * The check query's rows are data from the restored copy (they can be anything the query
 * selected): operators and admins see them; a viewer sees how many there were.
 */
function checkVisibleTo(verification: unknown, reader: Role): unknown {
  if (hasRole(reader, "operator")) return verification;
  const parsed = verificationWithRowsSchema.safeParse(verification);
  if (!parsed.success) return verification;
  const { check } = parsed.data;
  return { ...parsed.data, check: { ...check, rows: [], rowsHidden: check.rows.length } };
}

/** The stored request as shown: a restore's sealed age identity is never returned. */
function requestView(request: Restore["request"]): unknown {
  if (!request || typeof request !== "object" || Array.isArray(request) || !("identity" in request))
    return request;
  const rest: Record<string, unknown> = { ...request };
  delete rest.identity;
  return rest;
}

export function toRestoreView(row: Restore, reader: Role): RestoreView {
  return {
    id: row.id,
    clusterId: row.clusterId,
    kind: row.kind,
    purpose: row.purpose,
    status: row.status,
    request: requestView(row.request),
    plan: row.plan,
    backupId: row.backupId,
    steps: readJson(restoreStepSchema.array(), row.steps, "restore steps"),
    progress: row.progress,
    etaSeconds: row.etaSeconds,
    instance: instanceView(row),
    instanceState: row.instanceState,
    reached: readJson(reachedSchema.nullable(), row.reached, "restore reached point"),
    verification: checkVisibleTo(row.verification, reader),
    rtoMs: row.rtoMs,
    error: row.error,
    requestedBy: row.requestedBy,
    cancelRequested: row.cancelRequestedAt !== null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export const restoreListQuerySchema = z.strictObject({
  clusterId: z.uuid("must be a cluster id (uuid)").optional(),
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]).optional(),
  kind: z.enum(["pitr", "logical", "table"]).optional(),
  purpose: z.enum(["restore", "drill"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export async function listRestores(
  query: z.infer<typeof restoreListQuerySchema>,
  reader: Role,
): Promise<RestoreView[]> {
  const rows = await db().restore.findMany({
    where: { clusterId: query.clusterId, status: query.status, kind: query.kind, purpose: query.purpose },
    orderBy: { createdAt: "desc" },
    take: query.limit,
  });
  return rows.map((row) => toRestoreView(row, reader));
}

export async function getRestoreRowOrThrow(id: string): Promise<Restore> {
  const parsed = z.uuid().safeParse(id);
  const row = parsed.success ? await db().restore.findUnique({ where: { id } }) : null;
  if (!row) throw appError("not_found", "restore.noRestore", { id });
  return row;
}

export async function getRestoreOrThrow(id: string, reader: Role): Promise<RestoreView> {
  return toRestoreView(await getRestoreRowOrThrow(id), reader);
}

/**
 * Transactions in the archived WAL that dropped, truncated or deleted many rows of a table,
 * each with "restore to just before": answered by the worker, which reads WAL.
 */
export async function listTableEvents(clusterId: string, query: TableEventsQuery) {
  if (Date.parse(query.from) > Date.parse(query.to)) {
    throw appError("unprocessable_entity", "restore.fromAfterTo", {}, [
      { path: "from", message: "must not be after to" },
    ]);
  }
  const cluster = await getClusterRowOrThrow(clusterId);
  return askWorker("restore.events", { clusterId: cluster.id, query }, 60_000);
}
