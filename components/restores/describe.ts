import { formatSeconds, formatUtcSeconds } from "@/components/ui/format";
import type { RestorePlan } from "@/lib/restore/planner";
import type { RestoreView } from "@/lib/restore/queries";
import type { RestoreTarget } from "@/lib/schemas/restore";

// Pure readings of a RestoreView for lists and headers: what it restores, to where, in words.
// `request` and `plan` are stored JSON, so every field is read defensively.

type Described = Pick<RestoreView, "kind" | "purpose" | "request" | "plan">;

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function planOf(restore: Pick<RestoreView, "plan">): RestorePlan | null {
  const plan = record(restore.plan);
  return typeof plan.backupId === "string" ? (plan as unknown as RestorePlan) : null;
}

/** The pitr target as stored: the plan's normalized one, else the request's, else "latest". */
export function targetOf(restore: Pick<RestoreView, "request" | "plan">): RestoreTarget {
  const fromPlan = record(planOf(restore)?.target);
  if (typeof fromPlan.type === "string") return fromPlan as unknown as RestoreTarget;
  const fromRequest = record(record(restore.request).target);
  if (typeof fromRequest.type === "string") return fromRequest as unknown as RestoreTarget;
  return { type: "latest" };
}

/** "2026-11-26 14:52:00 UTC", or with milliseconds when the target has them ("…:00.250 UTC"). */
export function formatTargetTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const iso = date.toISOString();
  const ms = iso.slice(20, 23);
  return `${iso.slice(0, 19).replace("T", " ")}${ms === "000" ? "" : `.${ms}`} UTC`;
}

/** "time 2026-11-26 14:52:00 UTC", "LSN 0/3000060", "xid 1234", "restore point “before”"… */
export function describePitrTarget(target: RestoreTarget, plan: RestorePlan | null): string {
  const exclusive = "inclusive" in target && target.inclusive === false ? " (exclusive)" : "";
  switch (target.type) {
    case "time":
      return `time ${formatTargetTime(target.value)}${exclusive}`;
    case "lsn":
      return `LSN ${target.value}${exclusive}`;
    case "xid":
      return `xid ${target.value}${exclusive}`;
    case "name":
      return `restore point “${target.value}”`;
    case "immediate":
      return "end of the backup (immediate)";
    case "latest":
      return plan?.toTime ? `latest archived (${formatUtcSeconds(plan.toTime)})` : "latest archived";
  }
}

/** What a restore brings back, in one line for a table cell. */
export function describeTarget(restore: Described): string {
  const request = record(restore.request);
  if (restore.kind === "pitr") return describePitrTarget(targetOf(restore), planOf(restore));
  if (restore.kind === "logical") {
    const tables = Array.isArray(request.tables) ? request.tables.filter((t) => typeof t === "string") : [];
    const schemas = Array.isArray(request.schemas)
      ? request.schemas.filter((s) => typeof s === "string")
      : [];
    const only = [
      tables.length ? `tables ${tables.join(", ")}` : null,
      schemas.length ? `schemas ${schemas.join(", ")}` : null,
    ].filter(Boolean);
    return `database ${text(request.database) ?? "?"}${only.length ? ` (${only.join("; ")})` : ""}${
      request.clean === true ? ", over the existing one" : ""
    }${text(request.intoRestoreId) ? ", in a restored instance" : ""}`;
  }
  const table = text(request.table) ?? "?";
  const schema = table.split(".")[0];
  const newName = text(request.newName);
  return newName ? `${table} → ${schema}.${newName}` : table;
}

export function kindLabel(restore: Pick<RestoreView, "kind" | "purpose">): string {
  if (restore.purpose === "drill") return "drill";
  return restore.kind === "pitr" ? "point in time" : restore.kind === "logical" ? "logical" : "table copy";
}

/** A page title: "Point-in-time restore 1a2b3c4d", "Restore drill 1a2b3c4d"… */
export function restoreTitle(restore: Pick<RestoreView, "id" | "kind" | "purpose">): string {
  const short = restore.id.slice(0, 8);
  if (restore.purpose === "drill") return `Restore drill ${short}`;
  if (restore.kind === "pitr") return `Point-in-time restore ${short}`;
  if (restore.kind === "logical") return `Logical restore ${short}`;
  return `Table copy ${short}`;
}

/** The restored instance's name, as the teardown confirmation expects it. */
export function instanceNameOf(restore: Pick<RestoreView, "id" | "instance">): string {
  return restore.instance?.name ?? `walden-restore-${restore.id.slice(0, 8)}`;
}

/** "127.0.0.1:27100", "removed", "stopped" or null when the restore has made nothing yet. */
export function instanceText(restore: Pick<RestoreView, "instance" | "instanceState">): string | null {
  if (restore.instance) {
    const where = `${restore.instance.host}:${restore.instance.port}`;
    return restore.instanceState === "stopped" ? `${where} (stopped)` : where;
  }
  if (restore.instanceState === "removed") return "removed";
  if (restore.instanceState === "stopped") return "stopped";
  return null;
}

export function formatRto(rtoMs: number | null): string {
  return rtoMs === null ? "—" : formatSeconds(rtoMs / 1000);
}

/** Seconds between two ISO times; null when either is missing. */
export function secondsBetween(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(seconds) ? Math.max(0, seconds) : null;
}

/** "20261126_1452": the minute in UTC, as the server stamps restored names. */
export function utcStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 13);
}

/**
 * `<base>_restored_<yyyymmdd_hhmm>` cut to PostgreSQL's 63 bytes: the server's default name for
 * a copied table (lib/restore/logical.ts restoredTableName), and the logical form's suggestion.
 */
export function restoredName(base: string, at: Date): string {
  const suffix = `_restored_${utcStamp(at)}`;
  return `${base.slice(0, 63 - suffix.length)}${suffix}`;
}
