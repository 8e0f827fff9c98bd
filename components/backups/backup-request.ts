import type { PlacedIssue } from "@/components/forms/issues";
import type { Compression } from "@/lib/schemas/backup";

// "Back up now" as data: the form's values, their defaults, and the pure adapters from form
// values to the API's request body and from a request issue back to the form control it names.

export interface BackupFormValues {
  clusterId: string;
  kind: "physical" | "logical";
  label: string;
  physicalCompression: Compression;
  checkpoint: "fast" | "spread";
  database: string;
  format: "custom" | "directory";
  jobs: number;
  tables: string;
  excludeTables: string;
  schemas: string;
  excludeSchemas: string;
  content: "all" | "data" | "schema";
  noOwner: boolean;
  logicalCompression: "gzip" | "none";
}

export const patternFields = ["tables", "excludeTables", "schemas", "excludeSchemas"] as const;
type PatternField = (typeof patternFields)[number];

export function backupFormDefaults(clusterId: string): BackupFormValues {
  return {
    clusterId,
    kind: "physical",
    label: "",
    physicalCompression: "lz4",
    checkpoint: "fast",
    database: "",
    format: "custom",
    jobs: 1,
    tables: "",
    excludeTables: "",
    schemas: "",
    excludeSchemas: "",
    content: "all",
    noOwner: false,
    logicalCompression: "gzip",
  };
}

/** "sales.orders, public.*" → ["sales.orders", "public.*"]: commas or spaces separate patterns. */
export function patterns(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** The request body for the chosen kind only (the schema is strict: no stray options of the other kind). */
export function toBackupRequest(values: BackupFormValues): unknown {
  const label = values.label.trim() || undefined;
  if (values.kind === "physical") {
    return {
      clusterId: values.clusterId,
      kind: "physical",
      compression: values.physicalCompression,
      checkpoint: values.checkpoint,
      label,
    };
  }
  return {
    clusterId: values.clusterId,
    kind: "logical",
    database: values.database.trim() || undefined,
    format: values.format,
    jobs: values.format === "directory" ? values.jobs : 1,
    tables: patterns(values.tables),
    excludeTables: patterns(values.excludeTables),
    schemas: patterns(values.schemas),
    excludeSchemas: patterns(values.excludeSchemas),
    dataOnly: values.content === "data",
    schemaOnly: values.content === "schema",
    noOwner: values.noOwner,
    compression: values.logicalCompression,
    label,
  };
}

/** Which form control a request issue (client zod or the server's 422) belongs to. */
export function backupFieldOf(
  values: BackupFormValues,
  path: readonly PropertyKey[],
): { field: keyof BackupFormValues | "root"; prefix: string } {
  const [head, index] = path;
  if (head === "compression")
    return { field: values.kind === "physical" ? "physicalCompression" : "logicalCompression", prefix: "" };
  if (head === "dataOnly" || head === "schemaOnly") return { field: "content", prefix: "" };
  if (patternFields.includes(head as PatternField)) {
    const item = typeof index === "number" ? patterns(values[head as PatternField])[index] : undefined;
    return { field: head as PatternField, prefix: item ? `"${item}": ` : "" };
  }
  if (typeof head === "string" && head in values)
    return { field: head as keyof BackupFormValues, prefix: "" };
  return { field: "root", prefix: "" };
}

/** A request issue (dotted path, as the form's check and the server's 422 name it) on its control. */
export function placeBackupIssue(
  values: BackupFormValues,
  issue: { path: string; message: string },
): PlacedIssue<keyof BackupFormValues> {
  const path = issue.path.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const { field, prefix } = backupFieldOf(values, path);
  return { field, message: prefix + issue.message };
}
