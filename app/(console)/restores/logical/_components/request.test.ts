import { describe, expect, it } from "vitest";
import {
  buildLogicalRestoreRequest,
  logicalFormDefaults,
  names,
  suggestedDatabase,
  toLogicalRestoreRequest,
  type LogicalFormValues,
} from "./request";

const CLUSTER = "5b0c5f3e-6d2a-4f7e-9a51-0c1f2e3d4a5b";
const BACKUP = "0d6f2a9c-1b3e-4c5d-8e7f-a1b2c3d4e5f6";
const INSTANCE = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const OPENED = new Date("2026-11-26T14:52:30Z");

function values(overrides: Partial<LogicalFormValues> = {}): LogicalFormValues {
  return {
    ...logicalFormDefaults({
      clusterId: CLUSTER,
      backup: { id: BACKUP, database: "app" },
      intoRestoreId: undefined,
      openedAt: OPENED,
    }),
    ...overrides,
  };
}

describe("logicalFormDefaults", () => {
  it("suggests a new database named after the backup's, in UTC to the minute", () => {
    expect(values()).toMatchObject({ backupId: BACKUP, database: "app_restored_20261126_1452", jobs: 2 });
    expect(suggestedDatabase(null, OPENED)).toBe("restored_restored_20261126_1452");
  });

  it("starts empty without a backup", () => {
    const empty = logicalFormDefaults({
      clusterId: CLUSTER,
      backup: undefined,
      intoRestoreId: INSTANCE,
      openedAt: OPENED,
    });
    expect(empty).toMatchObject({ backupId: "", database: "", intoRestoreId: INSTANCE });
  });
});

describe("toLogicalRestoreRequest", () => {
  it("splits names, sends no instance for the primary and no confirm without clean", () => {
    const body = toLogicalRestoreRequest(
      values({ tables: "orders, customers\nitems", schemas: " public ", confirm: "app" }),
    );
    expect(body).toEqual({
      clusterId: CLUSTER,
      kind: "logical",
      backupId: BACKUP,
      database: "app_restored_20261126_1452",
      intoRestoreId: undefined,
      tables: ["orders", "customers", "items"],
      schemas: ["public"],
      jobs: 2,
      clean: false,
      confirm: undefined,
      noOwner: true,
    });
  });

  it("sends the typed confirmation and the instance when restoring over a database in one", () => {
    const body = toLogicalRestoreRequest(
      values({ clean: true, database: " app ", confirm: " app ", intoRestoreId: INSTANCE }),
    );
    expect(body).toMatchObject({ clean: true, database: "app", confirm: "app", intoRestoreId: INSTANCE });
  });
});

describe("buildLogicalRestoreRequest", () => {
  it("accepts what the API accepts", () => {
    const built = buildLogicalRestoreRequest(values({ tables: "orders" }));
    expect(built.ok && built.body.tables).toEqual(["orders"]);
  });

  it("refuses a schema-qualified table with how to write it", () => {
    expect(buildLogicalRestoreRequest(values({ tables: "orders, public.demo_events" }))).toEqual({
      ok: false,
      issues: [
        {
          path: "tables",
          message: "pg_restore matches plain table names: write demo_events and put public under schemas",
        },
      ],
    });
  });

  it("names the field the schema refuses", () => {
    const wrongConfirm = buildLogicalRestoreRequest(values({ clean: true, database: "app", confirm: "ap" }));
    expect(wrongConfirm.ok).toBe(false);
    if (!wrongConfirm.ok) expect(wrongConfirm.issues.map((issue) => issue.path)).toEqual([["confirm"]]);

    const noBackup = buildLogicalRestoreRequest(values({ backupId: "" }));
    expect(noBackup.ok).toBe(false);
    if (!noBackup.ok) expect(noBackup.issues[0]?.path).toEqual(["backupId"]);
  });
});

describe("names", () => {
  it("splits on commas, spaces and line breaks", () => {
    expect(names(" a,, b\nc ")).toEqual(["a", "b", "c"]);
  });
});
