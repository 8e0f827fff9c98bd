import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Restore } from "@/lib/generated/prisma/client";
import type { InstanceInfo } from "./instance";
import type { RestoreStep } from "./steps";

// Restores as the API returns them (design.md: GET /api/v1/restores/:id).

export interface RestoreView {
  id: string;
  clusterId: string;
  kind: Restore["kind"];
  purpose: string;
  status: Restore["status"];
  request: unknown;
  plan: unknown;
  backupId: string | null;
  steps: RestoreStep[];
  progress: number | null;
  etaSeconds: number | null;
  instance: {
    host: string;
    port: number;
    database: string;
    user?: string;
    name?: string;
    dataDir?: string;
    state: string | null;
    /** The command a person pastes; the password is the source's. */
    psql: string | null;
  } | null;
  instanceState: string | null;
  reached: { lsn: string | null; time: string | null; stoppedAt?: string | null } | null;
  verification: unknown;
  rtoMs: number | null;
  error: string | null;
  requestedBy: string;
  cancelRequested: boolean;
  expiresAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

function instanceView(row: Restore): RestoreView["instance"] {
  const info = row.instance as Partial<InstanceInfo> | null;
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
        ? `psql -h ${info.host} -p ${info.port} -U ${info.user} -d ${info.database}`
        : null,
  };
}

export function toRestoreView(row: Restore): RestoreView {
  return {
    id: row.id,
    clusterId: row.clusterId,
    kind: row.kind,
    purpose: row.purpose,
    status: row.status,
    request: row.request,
    plan: row.plan,
    backupId: row.backupId,
    steps: row.steps as unknown as RestoreStep[],
    progress: row.progress,
    etaSeconds: row.etaSeconds,
    instance: instanceView(row),
    instanceState: row.instanceState,
    reached: row.reached as RestoreView["reached"],
    verification: row.verification,
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

export async function listRestores(query: z.infer<typeof restoreListQuerySchema>): Promise<RestoreView[]> {
  const rows = await db().restore.findMany({
    where: { clusterId: query.clusterId, status: query.status, kind: query.kind, purpose: query.purpose },
    orderBy: { createdAt: "desc" },
    take: query.limit,
  });
  return rows.map(toRestoreView);
}

export async function getRestoreRowOrThrow(id: string): Promise<Restore> {
  const parsed = z.uuid().safeParse(id);
  const row = parsed.success ? await db().restore.findUnique({ where: { id } }) : null;
  if (!row) throw new AppError("not_found", `Restore ${id} does not exist`);
  return row;
}

export async function getRestoreOrThrow(id: string): Promise<RestoreView> {
  return toRestoreView(await getRestoreRowOrThrow(id));
}
