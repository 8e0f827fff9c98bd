import { describe, expect, it } from "vitest";
import { backupRequestSchema } from "@/lib/schemas/backup";
import {
  backupFieldOf,
  backupFormDefaults,
  patterns,
  placeBackupIssue,
  toBackupRequest,
} from "./backup-request";

const clusterId = "7f1c7a52-3f7e-4c53-9a7e-1d2b3c4d5e6f";

describe("toBackupRequest", () => {
  it("sends only the physical options for a physical backup, and the schema accepts it", () => {
    const body = toBackupRequest({ ...backupFormDefaults(clusterId), label: "  before-upgrade " });
    expect(body).toEqual({
      clusterId,
      kind: "physical",
      compression: "lz4",
      checkpoint: "fast",
      label: "before-upgrade",
    });
    expect(backupRequestSchema.safeParse(body).success).toBe(true);
  });

  it("sends the logical options, with patterns split and jobs only for the directory format", () => {
    const values = {
      ...backupFormDefaults(clusterId),
      kind: "logical" as const,
      database: " app ",
      tables: "sales.orders, public.*",
      jobs: 4,
      content: "schema" as const,
    };
    const body = toBackupRequest(values) as Record<string, unknown>;
    expect(body).toMatchObject({
      kind: "logical",
      database: "app",
      format: "custom",
      jobs: 1,
      tables: ["sales.orders", "public.*"],
      dataOnly: false,
      schemaOnly: true,
    });
    expect(body).not.toHaveProperty("checkpoint");
    expect((toBackupRequest({ ...values, format: "directory" }) as { jobs: number }).jobs).toBe(4);
    expect(backupRequestSchema.safeParse(body).success).toBe(true);
  });
});

describe("backupFieldOf", () => {
  const logical = { ...backupFormDefaults(clusterId), kind: "logical" as const, tables: "ok, bad;name" };

  it("puts compression under the chosen kind's control", () => {
    expect(backupFieldOf(logical, ["compression"]).field).toBe("logicalCompression");
    expect(backupFieldOf(backupFormDefaults(clusterId), ["compression"]).field).toBe("physicalCompression");
  });

  it("names the pattern an issue is about", () => {
    expect(backupFieldOf(logical, ["tables", 1])).toEqual({ field: "tables", prefix: '"bad;name": ' });
  });

  it("sends the content flags to the content control and unknown paths to the form", () => {
    expect(backupFieldOf(logical, ["schemaOnly"]).field).toBe("content");
    expect(backupFieldOf(logical, ["nonsense"]).field).toBe("root");
  });
});

describe("placeBackupIssue", () => {
  it("reads a dotted path's indexes as numbers, so the pattern is named in the message", () => {
    const logical = { ...backupFormDefaults(clusterId), kind: "logical" as const, tables: "ok, bad;name" };
    expect(placeBackupIssue(logical, { path: "tables.1", message: "not a pattern" })).toEqual({
      field: "tables",
      message: '"bad;name": not a pattern',
    });
    expect(placeBackupIssue(logical, { path: "", message: "refused" })).toEqual({
      field: "root",
      message: "refused",
    });
  });
});

describe("patterns", () => {
  it("splits on commas and spaces and drops empties", () => {
    expect(patterns(" a.b ,, c  d,")).toEqual(["a.b", "c", "d"]);
  });
});
