import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as alertRulesRoute from "@/app/api/v1/alert-rules/route";
import * as backupsRoute from "@/app/api/v1/backups/route";
import * as drillScheduleRoute from "@/app/api/v1/clusters/[id]/drills/schedule/route";
import * as schedulesRoute from "@/app/api/v1/clusters/[id]/schedules/[kind]/route";
import * as tableEventsRoute from "@/app/api/v1/clusters/[id]/table-events/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as channelsRoute from "@/app/api/v1/notification-channels/route";
import * as restoresRoute from "@/app/api/v1/restores/route";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster } from "@/test/sandbox-cluster";

// Hostile input across the mutating endpoints (issue 7's sweep, first part): every one is a 422
// with a message, nothing is executed, and nothing is written to the catalog.

const run = Date.now().toString(36);
const pwned = `/tmp/walden-sweep-${run}`;
let admin: TestUser;
let clusterId: string;

beforeAll(async () => {
  admin = await makeUser("admin");
  clusterId = await registerSandboxCluster(`sweep-${run}`);
});

afterAll(async () => {
  await db().cluster.delete({ where: { id: clusterId } });
});

const node = { host: "127.0.0.1", port: 5432, user: "walden", password: "x", database: "app" };
type Case = [
  name: string,
  handler: (typeof clustersRoute)["POST"],
  method: string,
  url: string,
  body: unknown,
  params?: Record<string, string>,
];

function cases(): Case[] {
  const backup = (extra: object) => ({ clusterId, kind: "logical", ...extra });
  const restore = (target: object, extra: object = {}) => ({ clusterId, kind: "pitr", target, ...extra });
  const cluster = (extra: object) => ({ name: `x-${run}`, primary: node, ...extra });
  return [
    [
      "cluster name with a path",
      clustersRoute.POST,
      "POST",
      "/api/v1/clusters",
      cluster({ name: "../../etc" }),
    ],
    [
      "host with a shell command",
      clustersRoute.POST,
      "POST",
      "/api/v1/clusters",
      cluster({ primary: { ...node, host: `db; touch ${pwned}` } }),
    ],
    [
      "conninfo smuggled as host",
      clustersRoute.POST,
      "POST",
      "/api/v1/clusters",
      cluster({ primary: { ...node, host: "host=evil sslmode=disable" } }),
    ],
    [
      "URI as host",
      clustersRoute.POST,
      "POST",
      "/api/v1/clusters",
      cluster({ primary: { ...node, host: "postgresql://evil/db" } }),
    ],
    [
      "unknown conninfo key",
      clustersRoute.POST,
      "POST",
      "/api/v1/clusters",
      cluster({ primary: { ...node, options: "-c log_statement=all" } }),
    ],
    [
      "database with SQL",
      clustersRoute.POST,
      "POST",
      "/api/v1/clusters",
      cluster({ primary: { ...node, database: "app; drop database app" } }),
    ],
    [
      "port as a string",
      clustersRoute.POST,
      "POST",
      "/api/v1/clusters",
      cluster({ primary: { ...node, port: "5432; id" } }),
    ],
    [
      "relative archive path",
      clustersRoute.POST,
      "POST",
      "/api/v1/clusters",
      cluster({ archive: { mode: "archive_command", path: "../../etc" } }),
    ],
    [
      "archive path with ..",
      clustersRoute.POST,
      "POST",
      "/api/v1/clusters",
      cluster({ archive: { mode: "archive_command", path: "/srv/../etc" } }),
    ],
    [
      "table pattern with a command",
      backupsRoute.POST,
      "POST",
      "/api/v1/backups",
      backup({ tables: [`orders; touch ${pwned}`] }),
    ],
    ["table pattern with $()", backupsRoute.POST, "POST", "/api/v1/backups", backup({ tables: ["$(id)"] })],
    [
      "table pattern as an option",
      backupsRoute.POST,
      "POST",
      "/api/v1/backups",
      backup({ tables: ["--file=/etc/passwd"] }),
    ],
    [
      "compression with a command",
      backupsRoute.POST,
      "POST",
      "/api/v1/backups",
      { clusterId, kind: "physical", compression: "lz4; rm -rf /" },
    ],
    [
      "label with a line break",
      backupsRoute.POST,
      "POST",
      "/api/v1/backups",
      { clusterId, kind: "physical", label: "a\nb" },
    ],
    [
      "time that is not a time",
      restoresRoute.POST,
      "POST",
      "/api/v1/restores",
      restore({ type: "time", value: "yesterday at noon" }),
    ],
    [
      "time without an offset",
      restoresRoute.POST,
      "POST",
      "/api/v1/restores",
      restore({ type: "time", value: "2026-11-26T10:00:00" }),
    ],
    [
      "LSN that is not an LSN",
      restoresRoute.POST,
      "POST",
      "/api/v1/restores",
      restore({ type: "lsn", value: "0/XYZ'; select 1" }),
    ],
    ["negative xid", restoresRoute.POST, "POST", "/api/v1/restores", restore({ type: "xid", value: "-1" })],
    [
      "xid with SQL",
      restoresRoute.POST,
      "POST",
      "/api/v1/restores",
      restore({ type: "xid", value: "1; drop table x" }),
    ],
    [
      "restore point with a quote",
      restoresRoute.POST,
      "POST",
      "/api/v1/restores",
      restore({ type: "name", value: "x'; archive_command='rm" }),
    ],
    [
      "check query with two statements",
      restoresRoute.POST,
      "POST",
      "/api/v1/restores",
      restore({ type: "latest" }, { checkSql: "select 1; drop table orders" }),
    ],
    [
      "check query that is COPY",
      restoresRoute.POST,
      "POST",
      "/api/v1/restores",
      restore({ type: "latest" }, { checkSql: `copy (select 1) to program 'touch ${pwned}'` }),
    ],
    [
      "database as a URI",
      restoresRoute.POST,
      "POST",
      "/api/v1/restores",
      restore({ type: "latest" }, { database: "postgres://evil/x" }),
    ],
    [
      "logical restore table with SQL",
      restoresRoute.POST,
      "POST",
      "/api/v1/restores",
      { clusterId, kind: "logical", backupId: clusterId, database: "r1", tables: ["a;b"] },
    ],
    [
      "table copy to a path",
      restoresRoute.POST,
      "POST",
      "/api/v1/restores",
      {
        clusterId,
        kind: "table",
        sourceRestoreId: clusterId,
        table: "public.orders",
        newName: "../x",
        confirm: "../x",
      },
    ],
    [
      "cron with seconds",
      schedulesRoute.PUT,
      "PUT",
      "/api/v1/clusters/x/schedules/physical",
      { cron: "* * * * * *", timezone: "UTC" },
      { id: "", kind: "physical" },
    ],
    [
      "unknown time zone",
      drillScheduleRoute.PUT,
      "PUT",
      "/api/v1/clusters/x/drills/schedule",
      { cron: "0 5 * * 0", timezone: "Mars/Olympus_Mons" },
      { id: "" },
    ],
    [
      "alert kind that is a command",
      alertRulesRoute.POST,
      "POST",
      "/api/v1/alert-rules",
      { clusterId, kind: "rm -rf /" },
    ],
    [
      "negative threshold",
      alertRulesRoute.POST,
      "POST",
      "/api/v1/alert-rules",
      { clusterId, kind: "replication_lag_bytes", threshold: -1 },
    ],
    [
      "webhook to a file",
      channelsRoute.POST,
      "POST",
      "/api/v1/notification-channels",
      { kind: "webhook", name: "f", url: "file:///etc/passwd" },
    ],
    [
      "webhook with javascript:",
      channelsRoute.POST,
      "POST",
      "/api/v1/notification-channels",
      { kind: "webhook", name: "j", url: "javascript:alert(1)" },
    ],
    [
      "webhook with credentials",
      channelsRoute.POST,
      "POST",
      "/api/v1/notification-channels",
      { kind: "webhook", name: "c", url: "http://user:pass@example.com/" },
    ],
  ];
}

describe("hostile input", () => {
  it("has at least 30 cases", () => expect(cases().length).toBeGreaterThanOrEqual(30));

  it("answers every case with a 422 and a message, runs nothing and stores nothing", async () => {
    const before = {
      clusters: await db().cluster.count(),
      backups: await db().backup.count(),
      restores: await db().restore.count(),
      rules: await db().alertRule.count(),
      channels: await db().notificationChannel.count(),
      schedules: await db().backupSchedule.count(),
      drills: await db().drillSchedule.count(),
    };
    const outcomes: string[] = [];
    for (const [name, handler, method, url, body, params] of cases()) {
      const filled = params
        ? Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v || clusterId]))
        : undefined;
      const response = await call(handler, method, url, { token: admin.token, body, params: filled });
      const message = (response.json as { error?: { message?: string } } | null)?.error?.message ?? "";
      if (response.status !== 422 || message.length === 0)
        outcomes.push(`${name}: ${response.status} ${message}`);
    }
    expect(outcomes).toEqual([]);
    expect(existsSync(pwned)).toBe(false);
    expect({
      clusters: await db().cluster.count(),
      backups: await db().backup.count(),
      restores: await db().restore.count(),
      rules: await db().alertRule.count(),
      channels: await db().notificationChannel.count(),
      schedules: await db().backupSchedule.count(),
      drills: await db().drillSchedule.count(),
    }).toEqual(before);
  });

  it("refuses an oversized body with 413 before parsing it", async () => {
    const response = await call(alertRulesRoute.POST, "POST", "/api/v1/alert-rules", {
      token: admin.token,
      rawBody: JSON.stringify({ clusterId, kind: "wal_gap", pad: "x".repeat(2 * 1024 * 1024) }),
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(413);
    expect(JSON.stringify(response.json)).toMatch(/larger than 1024 KiB/);
  });

  it("refuses a table-events search with SQL in the table name", async () => {
    const response = await call(
      tableEventsRoute.GET,
      "GET",
      `/api/v1/clusters/${clusterId}/table-events?table=orders%3Bdrop&from=2026-11-26T00:00:00Z&to=2026-11-26T01:00:00Z`,
      { token: admin.token, params: { id: clusterId } },
    );
    expect(response.status).toBe(422);
  });
});
