import { stringify } from "csv-stringify/sync";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { monthRange } from "./months";
import { reportRangeOrThrow, type ReportScope } from "./monthly";

// The CSV behind the monthly report: one row per backup created in the month (UTC), one
// cluster or all, oldest first, with a header row. It is read from the catalog as it is now
// (the JSON of a finished month is the stored snapshot; these are its underlying rows).
// RFC 4180 quoting by csv-stringify; text cells a spreadsheet would run as a formula are
// prefixed with an apostrophe (OWASP's CSV injection advice).

export const CSV_COLUMNS = [
  "cluster",
  "cluster_id",
  "backup_id",
  "kind",
  "status",
  "label",
  "trigger",
  "created_at",
  "started_at",
  "finished_at",
  "duration_seconds",
  "size_bytes",
  "verified",
  "verified_at",
  "copies",
  "offsite_copy",
  "error",
] as const;

type CsvRow = Record<(typeof CSV_COLUMNS)[number], string | number | null>;

/** A cell starting with = + - @ (or a tab/CR) is a formula to a spreadsheet; keep it text. */
export function neutralizeFormula(text: string | null): string | null {
  if (text === null) return null;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export async function monthlyCsv(scope: ReportScope, now = new Date()): Promise<string> {
  reportRangeOrThrow(scope.month, now);
  if (scope.clusterId) await getClusterRowOrThrow(scope.clusterId);
  const range = monthRange(scope.month);
  const backups = await db().backup.findMany({
    where: {
      createdAt: { gte: range.start, lt: range.end },
      ...(scope.clusterId ? { clusterId: scope.clusterId } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: {
      cluster: { select: { name: true } },
      copies: { select: { status: true, offsite: true } },
    },
  });
  const rows: CsvRow[] = backups.map((b) => {
    const copies = b.copies.filter((c) => c.status === "succeeded");
    return {
      cluster: neutralizeFormula(b.cluster.name),
      cluster_id: b.clusterId,
      backup_id: b.id,
      kind: b.kind,
      status: b.status,
      label: neutralizeFormula(b.label),
      trigger: b.scheduleId ? "schedule" : "manual",
      created_at: iso(b.createdAt),
      started_at: iso(b.startedAt),
      finished_at: iso(b.finishedAt),
      duration_seconds:
        b.startedAt && b.finishedAt ? (b.finishedAt.getTime() - b.startedAt.getTime()) / 1000 : null,
      size_bytes: b.sizeBytes === null ? null : b.sizeBytes.toString(),
      verified: b.verifiedAt ? (b.verified ? "yes" : "failed") : "no",
      verified_at: iso(b.verifiedAt),
      copies: copies.length,
      offsite_copy: copies.some((c) => c.offsite) ? "yes" : "no",
      error: neutralizeFormula(b.error?.split("\n")[0] ?? null),
    };
  });
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], record_delimiter: "unix" });
}

/** walden-report-2026-10.csv, or walden-report-2026-10-<cluster name>.csv with the name made file-safe. */
export function reportFileName(
  month: string,
  clusterName: string | null | undefined,
  extension: "csv" | "pdf",
): string {
  const suffix = clusterName ? `-${clusterName.replace(/[^A-Za-z0-9._-]+/g, "_")}` : "";
  return `walden-report-${month}${suffix}.${extension}`;
}
