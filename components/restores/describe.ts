import type { useTranslations } from "next-intl";
import { z } from "zod";
import { formatSeconds as englishSeconds, formatUtcSeconds } from "@/components/ui/format";
import { restoreTargetSchema, type RestoreTarget } from "@/lib/schemas/restore";
import { restorePlanSchema, type RestorePlan } from "@/lib/schemas/restore-plan";
import type { RestoreView } from "@/lib/schemas/restore-view";

// Pure readings of a RestoreView for lists and headers: what it restores, to where, in words.
// `request` and `plan` are stored JSON of any age, so each part is parsed on its own and one
// of another shape is left out (never cast).

type Described = Pick<RestoreView, "kind" | "purpose" | "request" | "plan">;

/** The `restores` messages' t (useTranslations("restores") or getTranslations("restores")). */
export type RestoresT = ReturnType<typeof useTranslations<"restores">>;

/** The parts of a stored plan or request the descriptions read; each one missing when it does not parse. */
const storedTargetSchema = z.looseObject({ target: restoreTargetSchema.optional().catch(undefined) });
const storedPlanPartsSchema = storedTargetSchema.extend({
  toTime: z.string().nullable().optional().catch(undefined),
});
const storedRequestSchema = z.record(z.string(), z.unknown());

function partsOf<S extends z.ZodType>(schema: S, value: unknown): Partial<z.output<S>> {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];
}

/** The restore's stored plan when it is a whole plan; null before it is planned. */
export function planOf(restore: Pick<RestoreView, "plan">): RestorePlan | null {
  const plan = restorePlanSchema.safeParse(restore.plan);
  return plan.success ? plan.data : null;
}

/** The pitr target as stored: the plan's normalized one, else the request's, else "latest". */
export function targetOf(restore: Pick<RestoreView, "request" | "plan">): RestoreTarget {
  return (
    partsOf(storedTargetSchema, restore.plan).target ??
    partsOf(storedTargetSchema, restore.request).target ?? { type: "latest" }
  );
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
export function describePitrTarget(
  t: RestoresT,
  target: RestoreTarget,
  plan: Pick<RestorePlan, "toTime"> | null,
): string {
  const exclusive = (text: string) =>
    "inclusive" in target && target.inclusive === false ? t("describe.exclusive", { target: text }) : text;
  switch (target.type) {
    case "time":
      return exclusive(t("describe.time", { value: formatTargetTime(target.value) }));
    case "lsn":
      return exclusive(t("describe.lsn", { value: target.value }));
    case "xid":
      return exclusive(t("describe.xid", { value: target.value }));
    case "name":
      return t("describe.name", { value: target.value });
    case "immediate":
      return t("describe.immediate");
    case "latest":
      return plan?.toTime
        ? t("describe.latestAt", { time: formatUtcSeconds(plan.toTime) })
        : t("describe.latest");
  }
}

/** What a restore brings back, in one line for a table cell. */
export function describeTarget(t: RestoresT, restore: Described): string {
  const request = partsOf(storedRequestSchema, restore.request);
  if (restore.kind === "pitr") {
    const toTime = partsOf(storedPlanPartsSchema, restore.plan).toTime ?? null;
    return describePitrTarget(t, targetOf(restore), { toTime });
  }
  if (restore.kind === "logical") {
    const tables = strings(request.tables);
    const schemas = strings(request.schemas);
    const only = [
      tables.length ? t("describe.tables", { list: tables.join(", ") }) : null,
      schemas.length ? t("describe.schemas", { list: schemas.join(", ") }) : null,
    ].filter(Boolean);
    let line = t("describe.database", { database: text(request.database) ?? "?" });
    if (only.length) line = t("describe.only", { description: line, only: only.join("; ") });
    if (request.clean === true) line = t("describe.overExisting", { description: line });
    if (text(request.intoRestoreId)) line = t("describe.intoInstance", { description: line });
    return line;
  }
  const table = text(request.table) ?? "?";
  const schema = table.split(".")[0];
  const newName = text(request.newName);
  return newName ? `${table} → ${schema}.${newName}` : table;
}

export function kindLabel(t: RestoresT, restore: Pick<RestoreView, "kind" | "purpose">): string {
  if (restore.purpose === "drill") return t("kind.drill");
  return restore.kind === "pitr"
    ? t("kind.pitr")
    : restore.kind === "logical"
      ? t("kind.logical")
      : t("kind.table");
}

/** A page title: "Point-in-time restore 1a2b3c4d", "Restore drill 1a2b3c4d"… */
export function restoreTitle(t: RestoresT, restore: Pick<RestoreView, "id" | "kind" | "purpose">): string {
  const id = restore.id.slice(0, 8);
  if (restore.purpose === "drill") return t("title.drill", { id });
  if (restore.kind === "pitr") return t("title.pitr", { id });
  if (restore.kind === "logical") return t("title.logical", { id });
  return t("title.table", { id });
}

/** The restored instance's name, as the teardown confirmation expects it. */
export function instanceNameOf(restore: Pick<RestoreView, "id" | "instance">): string {
  return restore.instance?.name ?? `walden-restore-${restore.id.slice(0, 8)}`;
}

/** "127.0.0.1:27100", "removed", "stopped" or null when the restore has made nothing yet. */
export function instanceText(
  t: RestoresT,
  restore: Pick<RestoreView, "instance" | "instanceState">,
): string | null {
  if (restore.instance) {
    const where = `${restore.instance.host}:${restore.instance.port}`;
    return restore.instanceState === "stopped" ? t("instanceState.stoppedAt", { where }) : where;
  }
  if (restore.instanceState === "removed") return t("instanceState.removed");
  if (restore.instanceState === "stopped") return t("instanceState.stopped");
  return null;
}

/** True when the restore's instance was made and is gone (shown quietly, not as an address). */
export function instanceRemoved(restore: Pick<RestoreView, "instance" | "instanceState">): boolean {
  return !restore.instance && restore.instanceState === "removed";
}

/** The RTO as a duration; `formatSeconds` from useFormat() for the reader's language (English by default). */
export function formatRto(
  rtoMs: number | null,
  formatSeconds: (seconds: number) => string = englishSeconds,
): string {
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
