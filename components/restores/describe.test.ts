import { describe, expect, it } from "vitest";
import { createTranslator } from "use-intl/core";
import { messagesFor } from "@/lib/i18n/messages";
import type { RestoreView } from "@/lib/schemas/restore-view";
import {
  describeTarget,
  formatRto,
  formatTargetTime,
  instanceText,
  kindLabel,
  planOf,
  restoredName,
  restoreTitle,
} from "./describe";

const t = createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "restores" });
const ko = createTranslator({ locale: "ko", messages: messagesFor("ko"), namespace: "restores" });

function restore(overrides: Partial<RestoreView>): RestoreView {
  return {
    id: "1a2b3c4d-0000-4000-8000-000000000000",
    clusterId: "00000000-0000-4000-8000-000000000001",
    kind: "pitr",
    purpose: "restore",
    status: "succeeded",
    request: {},
    plan: null,
    backupId: null,
    steps: [],
    progress: null,
    etaSeconds: null,
    instance: null,
    instanceState: null,
    reached: null,
    verification: null,
    rtoMs: null,
    error: null,
    requestedBy: "ops@example.com",
    cancelRequested: false,
    expiresAt: null,
    createdAt: "2026-11-26T14:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

describe("describeTarget", () => {
  it("prefers the plan's normalized target, in UTC", () => {
    const value = restore({
      request: { target: { type: "time", value: "2026-11-26T15:52:00+01:00" } },
      plan: { backupId: "b", target: { type: "time", value: "2026-11-26T14:52:00.000Z", inclusive: true } },
    });
    expect(describeTarget(t, value)).toBe("time 2026-11-26 14:52:00 UTC");
  });

  it("reads the request when there is no plan yet, and says exclusive", () => {
    expect(
      describeTarget(
        t,
        restore({ request: { target: { type: "lsn", value: "0/3000060", inclusive: false } } }),
      ),
    ).toBe("LSN 0/3000060 (exclusive)");
    expect(describeTarget(t, restore({ request: { target: { type: "xid", value: "1234" } } }))).toBe(
      "xid 1234",
    );
    expect(describeTarget(t, restore({ request: { target: { type: "name", value: "before" } } }))).toBe(
      "restore point “before”",
    );
  });

  it("gives latest its planned end when known", () => {
    expect(describeTarget(t, restore({ request: { target: { type: "latest" } } }))).toBe("latest archived");
    expect(
      describeTarget(
        t,
        restore({ plan: { backupId: "b", target: { type: "latest" }, toTime: "2026-11-26T14:59:01.000Z" } }),
      ),
    ).toBe("latest archived (2026-11-26 14:59:01 UTC)");
  });

  it("leaves out a stored target of another shape and reads the next one", () => {
    const value = restore({
      request: { target: { type: "lsn", value: "0/3000060" } },
      plan: { backupId: "b", target: { type: "somewhere" }, toTime: 7 },
    });
    expect(describeTarget(t, value)).toBe("LSN 0/3000060");
    expect(describeTarget(t, restore({ request: "not an object", plan: [] }))).toBe("latest archived");
  });

  it("describes logical restores and table copies", () => {
    expect(
      describeTarget(
        t,
        restore({
          kind: "logical",
          request: { database: "app_copy", tables: ["orders"], schemas: [], clean: false },
        }),
      ),
    ).toBe("database app_copy (tables orders)");
    expect(
      describeTarget(
        t,
        restore({ kind: "logical", request: { database: "app", clean: true, intoRestoreId: "x" } }),
      ),
    ).toBe("database app, over the existing one, in a restored instance");
    expect(
      describeTarget(
        t,
        restore({
          kind: "table",
          request: { table: "public.orders", newName: "orders_restored_20261126_1452" },
        }),
      ),
    ).toBe("public.orders → public.orders_restored_20261126_1452");
  });
});

describe("planOf", () => {
  const plan = {
    backupId: "b",
    backupLabel: null,
    backupStopLsn: "0/2000100",
    backupFinishedAt: "2026-11-26T10:00:00.000Z",
    fromLsn: "0/2000028",
    toLsn: "0/3000060",
    toTime: null,
    target: { type: "lsn", value: "0/3000060", inclusive: true },
    timeline: "latest",
    checkedTimeline: 1,
    fromWal: "000000010000000000000002",
    toWal: "000000010000000000000003",
    walBytes: 16777216,
    backupBytes: 1024,
    estimateSeconds: 6,
    warnings: [],
    summary: "Restore backup b …",
  };

  it("returns a whole stored plan, and null for none or a part of one", () => {
    expect(planOf(restore({ plan }))).toEqual(plan);
    expect(planOf(restore({ plan: null }))).toBeNull();
    expect(planOf(restore({ plan: { backupId: "b" } }))).toBeNull();
  });
});

describe("labels", () => {
  it("names kinds, drills and titles", () => {
    expect(kindLabel(t, restore({ purpose: "drill" }))).toBe("drill");
    expect(kindLabel(t, restore({ kind: "table" }))).toBe("table copy");
    expect(restoreTitle(t, restore({}))).toBe("Point-in-time restore 1a2b3c4d");
    expect(restoreTitle(t, restore({ purpose: "drill" }))).toBe("Restore drill 1a2b3c4d");
    expect(restoreTitle(ko, restore({ purpose: "drill" }))).toBe("복원 훈련 1a2b3c4d");
    expect(
      describeTarget(ko, restore({ request: { target: { type: "lsn", value: "0/3", inclusive: false } } })),
    ).toBe("LSN 0/3 (미포함)");
  });

  it("shows where the instance listens, or that it is gone", () => {
    const instance = { host: "127.0.0.1", port: 27100, database: "app", state: "running", psql: null };
    expect(instanceText(t, restore({ instance, instanceState: "running" }))).toBe("127.0.0.1:27100");
    expect(instanceText(t, restore({ instance, instanceState: "stopped" }))).toBe(
      "127.0.0.1:27100 (stopped)",
    );
    expect(instanceText(t, restore({ instanceState: "removed" }))).toBe("removed");
    expect(instanceText(t, restore({}))).toBeNull();
  });

  it("formats RTO and target times", () => {
    expect(formatRto(null)).toBe("—");
    expect(formatRto(12_345)).toBe("12.3 s");
    expect(formatRto(252_000)).toBe("4 m 12 s");
    expect(formatTargetTime("2026-11-26T14:52:00.250Z")).toBe("2026-11-26 14:52:00.250 UTC");
  });
});

describe("restoredName", () => {
  it("stamps the minute in UTC, like the server's default table name", () => {
    expect(restoredName("orders", new Date("2026-11-26T15:52:59+01:00"))).toBe(
      "orders_restored_20261126_1452",
    );
  });

  it("cuts the base so the name fits PostgreSQL's 63 bytes", () => {
    const name = restoredName("x".repeat(80), new Date("2026-11-26T14:52:00Z"));
    expect(name).toHaveLength(63);
    expect(name.endsWith("_restored_20261126_1452")).toBe(true);
  });
});
