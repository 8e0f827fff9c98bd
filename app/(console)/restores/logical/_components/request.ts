import type { IssueLike } from "@/components/forms/issues";
import { restoredName } from "@/components/restores/describe";
import { logicalRestoreRequestSchema, type LogicalRestoreRequest } from "@/lib/schemas/restore";

// The logical restore form's values and the request they make. Pure, so the summary and the
// submit read the same body and the adapter is tested without a browser.

export interface LogicalFormValues {
  clusterId: string;
  backupId: string;
  /** New database name, or with `clean` the existing one restored over. */
  database: string;
  /** Comma or line separated, as typed. */
  tables: string;
  schemas: string;
  jobs: number;
  noOwner: boolean;
  clean: boolean;
  confirm: string;
  /** Empty: the cluster's primary; else a running restored instance's restore id. */
  intoRestoreId: string;
}

export const LOGICAL_FIELDS = [
  "clusterId",
  "backupId",
  "database",
  "tables",
  "schemas",
  "jobs",
  "noOwner",
  "clean",
  "confirm",
  "intoRestoreId",
] as const satisfies readonly (keyof LogicalFormValues)[];

/** "orders, customers\nitems" → ["orders", "customers", "items"]: commas or line breaks separate names. */
export function names(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** `app_restored_20261126_1452` (UTC): a name that is new unless two restores start in the same minute. */
export function suggestedDatabase(backupDatabase: string | null | undefined, at: Date): string {
  return restoredName(backupDatabase ?? "restored", at);
}

/** The first values: the chosen backup's suggested database, the instance only while it runs. */
export function logicalFormDefaults({
  clusterId,
  backup,
  intoRestoreId,
  openedAt,
}: {
  clusterId: string;
  backup: { id: string; database: string | null } | undefined;
  /** A running restored instance asked for by the address, if any. */
  intoRestoreId: string | undefined;
  openedAt: Date;
}): LogicalFormValues {
  return {
    clusterId,
    backupId: backup?.id ?? "",
    database: backup ? suggestedDatabase(backup.database, openedAt) : "",
    tables: "",
    schemas: "",
    jobs: 2,
    noOwner: true,
    clean: false,
    confirm: "",
    intoRestoreId: intoRestoreId ?? "",
  };
}

/** The form's values as a request body, for the shared schema to judge. */
export function toLogicalRestoreRequest(values: LogicalFormValues) {
  return {
    clusterId: values.clusterId,
    kind: "logical" as const,
    backupId: values.backupId,
    database: values.database.trim(),
    intoRestoreId: values.intoRestoreId || undefined,
    tables: names(values.tables),
    schemas: names(values.schemas),
    jobs: values.jobs,
    clean: values.clean,
    confirm: values.clean ? values.confirm.trim() : undefined,
    noOwner: values.noOwner,
  };
}

/**
 * The request, checked with the API's own schema; or the problems to show. A schema-qualified
 * table is refused first with the way to write it: pg_restore -t matches plain names only.
 */
export function buildLogicalRestoreRequest(
  values: LogicalFormValues,
  /** The message for a schema-qualified table, in the reader's language (English by default). */
  qualifiedTable: (names: { table: string; schema: string }) => string = ({ table, schema }) =>
    `pg_restore matches plain table names: write ${table} and put ${schema} under schemas`,
): { ok: true; body: LogicalRestoreRequest } | { ok: false; issues: IssueLike[] } {
  const dotted = names(values.tables).find((name) => name.includes("."));
  if (dotted) {
    const parts = dotted.split(".");
    return {
      ok: false,
      issues: [
        { path: "tables", message: qualifiedTable({ table: parts.at(-1) ?? "", schema: parts[0] ?? "" }) },
      ],
    };
  }
  const parsed = logicalRestoreRequestSchema.safeParse(toLogicalRestoreRequest(values));
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, issues: parsed.error.issues };
}
