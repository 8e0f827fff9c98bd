import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import * as metricsRoute from "@/app/metrics/route";
import { forgetDenialSamples } from "@/lib/auth/denials";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster } from "@/test/sandbox-cluster";

// Issue 13: the role matrix covers every GET too — what each role can read. Every GET handler
// under app/api/v1 (and /metrics) is found on disk and must have a row here: a new endpoint
// without one fails this file. Each row is called unauthenticated and as viewer, operator and
// admin: below its role 401/403 and a denial audited, at or above it the row's status.

const apiRoot = path.resolve("app/api/v1");
type Handler = Parameters<typeof call>[0];

async function discoverReadHandlers(): Promise<Map<string, Handler>> {
  const found = new Map<string, Handler>();
  const files = (fs.readdirSync(apiRoot, { recursive: true }) as string[]).filter(
    (file) => path.basename(file) === "route.ts",
  );
  for (const file of files.sort()) {
    const routeModule = (await import(path.join(apiRoot, file))) as Record<string, unknown>;
    if (typeof routeModule.GET === "function")
      found.set(`/api/v1/${path.dirname(file)}`.replace(/\/\.$/, ""), routeModule.GET as Handler);
  }
  found.set("/metrics", metricsRoute.GET as Handler);
  return found;
}

interface ReadRow {
  role: Role | "public";
  /** The status at or above the role; not 200 only where a valid request needs a worker. */
  ok: number;
  prepare: () => Promise<{ url: string; params?: Record<string, string> }>;
}

let clusterId: string;
let backupId: string;
let restoreId: string;
let channelId: string;
const users = {} as Record<Role, TestUser>;

const cluster = (suffix: string) => async () => ({
  url: `/api/v1/clusters/${clusterId}${suffix}`,
  params: { id: clusterId },
});
const plain = (url: string) => async () => ({ url });

const rows: Record<string, ReadRow> = {
  "/api/v1/[...path]": {
    role: "public",
    ok: 404,
    prepare: async () => ({ url: "/api/v1/nope", params: { path: "nope" } }),
  },
  "/api/v1/health": { role: "public", ok: 200, prepare: plain("/api/v1/health") },
  "/api/v1/me": { role: "viewer", ok: 200, prepare: plain("/api/v1/me") },
  "/api/v1/clusters": { role: "viewer", ok: 200, prepare: plain("/api/v1/clusters") },
  "/api/v1/clusters/[id]": { role: "viewer", ok: 200, prepare: cluster("") },
  "/api/v1/clusters/[id]/schedules": { role: "viewer", ok: 200, prepare: cluster("/schedules") },
  "/api/v1/clusters/[id]/schedules/verify": {
    role: "viewer",
    ok: 200,
    prepare: cluster("/schedules/verify"),
  },
  "/api/v1/clusters/[id]/repositories": { role: "viewer", ok: 200, prepare: cluster("/repositories") },
  "/api/v1/clusters/[id]/retention": { role: "viewer", ok: 200, prepare: cluster("/retention") },
  "/api/v1/clusters/[id]/retention/preview": {
    role: "viewer",
    ok: 200,
    prepare: cluster("/retention/preview"),
  },
  // This cluster has no standby registered: a 422 that says so, after the role check.
  "/api/v1/clusters/[id]/lag": { role: "viewer", ok: 422, prepare: cluster("/lag") },
  "/api/v1/clusters/[id]/config-check": { role: "operator", ok: 200, prepare: cluster("/config-check") }, // it dials the stored nodes
  "/api/v1/clusters/[id]/events": { role: "viewer", ok: 200, prepare: cluster("/events") },
  // Served from what the worker sampled and scanned; no worker runs here, so these answer 503
  // "is a worker running?" — after the role check, which is what this file measures.
  "/api/v1/clusters/[id]/replication": { role: "viewer", ok: 503, prepare: cluster("/replication") },
  // Answered by the worker (it reads WAL), which this file does not run: a request missing its
  // table is refused after the role check, which is what is measured here.
  "/api/v1/clusters/[id]/table-events": { role: "viewer", ok: 422, prepare: cluster("/table-events") },
  "/api/v1/clusters/[id]/restore-window": { role: "viewer", ok: 503, prepare: cluster("/restore-window") },
  "/api/v1/clusters/[id]/drills": { role: "viewer", ok: 200, prepare: cluster("/drills") },
  "/api/v1/backups": { role: "viewer", ok: 200, prepare: plain("/api/v1/backups") },
  "/api/v1/backups/[id]": {
    role: "viewer",
    ok: 200,
    prepare: async () => ({ url: `/api/v1/backups/${backupId}`, params: { id: backupId } }),
  },
  "/api/v1/backups/[id]/runbook": {
    role: "viewer",
    ok: 200,
    prepare: async () => ({ url: `/api/v1/backups/${backupId}/runbook`, params: { id: backupId } }),
  },
  "/api/v1/restores": { role: "viewer", ok: 200, prepare: plain("/api/v1/restores") },
  "/api/v1/restores/[id]": {
    role: "viewer",
    ok: 200,
    prepare: async () => ({ url: `/api/v1/restores/${restoreId}`, params: { id: restoreId } }),
  },
  "/api/v1/alerts": { role: "viewer", ok: 200, prepare: plain("/api/v1/alerts") },
  "/api/v1/alert-rules": { role: "viewer", ok: 200, prepare: plain("/api/v1/alert-rules") },
  "/api/v1/notification-channels": {
    role: "viewer",
    ok: 200,
    prepare: plain("/api/v1/notification-channels"),
  },
  "/api/v1/notification-channels/[id]/deliveries": {
    role: "viewer",
    ok: 200,
    prepare: async () => ({
      url: `/api/v1/notification-channels/${channelId}/deliveries`,
      params: { id: channelId },
    }),
  },
  "/api/v1/reports/monthly": {
    role: "viewer",
    ok: 200,
    prepare: plain("/api/v1/reports/monthly?month=2026-11"),
  },
  "/api/v1/reports/mail-settings": { role: "admin", ok: 200, prepare: plain("/api/v1/reports/mail-settings") },
  "/api/v1/reports/mailings": { role: "admin", ok: 200, prepare: plain("/api/v1/reports/mailings") },
  "/api/v1/users": { role: "admin", ok: 200, prepare: plain("/api/v1/users") },
  "/api/v1/tokens": { role: "admin", ok: 200, prepare: plain("/api/v1/tokens") },
  "/api/v1/audit": { role: "admin", ok: 200, prepare: plain("/api/v1/audit") },
  "/api/v1/auth/oidc/settings": { role: "admin", ok: 200, prepare: plain("/api/v1/auth/oidc/settings") },
  // Single sign-on's browser steps answer with a redirect, also when refused (here: SSO is off,
  // and a callback without its flow cookie): to the login page with ?error=.
  "/api/v1/auth/oidc/start": { role: "public", ok: 303, prepare: plain("/api/v1/auth/oidc/start") },
  "/api/v1/auth/oidc/callback": {
    role: "public",
    ok: 303,
    prepare: plain("/api/v1/auth/oidc/callback?code=c&state=s"),
  },
  "/metrics": { role: "viewer", ok: 200, prepare: plain("/metrics") },
};

const rank = (role: Role | "public") => ({ public: 0, viewer: 1, operator: 2, admin: 3 })[role];

beforeAll(async () => {
  for (const role of ["viewer", "operator", "admin"] as const)
    users[role] = await makeUser(role, `reads-${role}`);
  const name = `reads-${Date.now().toString(36)}`;
  clusterId = await registerSandboxCluster(name, {
    archivePath: path.join(inject("waldenHome"), "archive", name),
  });
  backupId = (
    await db().backup.create({
      data: {
        clusterId,
        kind: "physical",
        status: "succeeded",
        options: { clusterId, kind: "physical" },
        requestedBy: "test",
        finishedAt: new Date(),
        path: "/nonexistent/backup",
        serverVersionNum: 150000,
      },
    })
  ).id;
  restoreId = (
    await db().restore.create({
      data: {
        clusterId,
        kind: "pitr",
        status: "queued",
        request: { clusterId, kind: "pitr" },
        requestedBy: "test",
      },
    })
  ).id;
  channelId = (
    await db().notificationChannel.create({
      data: {
        name: `reads-${Date.now()}`,
        kind: "webhook",
        secretEncrypted: "unused",
        displayTarget: "hooks.example",
        enabled: false,
      },
    })
  ).id;
});

describe("read matrix", () => {
  it("has a row for every GET handler, and no row for one that is gone", async () => {
    expect([...(await discoverReadHandlers()).keys()].sort()).toEqual(Object.keys(rows).sort());
  });

  it("refuses every caller below the row's role, audited, and answers the others", async () => {
    const handlers = await discoverReadHandlers();
    const problems: string[] = [];
    for (const [route, row] of Object.entries(rows)) {
      const callers: (Role | "anonymous")[] =
        row.role === "public" ? ["anonymous"] : ["anonymous", "viewer", "operator", "admin"];
      for (const caller of callers) {
        const prepared = await row.prepare();
        const user = caller === "anonymous" ? undefined : users[caller];
        forgetDenialSamples();
        const lastAudit = (await db().auditEvent.findFirst({ orderBy: { id: "desc" } }))?.id ?? 0n;
        const response = await call(handlers.get(route)!, "GET", prepared.url, {
          token: user?.token,
          params: prepared.params,
        });
        const mayRead = row.role === "public" || (caller !== "anonymous" && rank(caller) >= rank(row.role));
        const label = `GET ${route} as ${caller}`;
        const expected = mayRead ? row.ok : caller === "anonymous" ? 401 : 403;
        if (response.status !== expected)
          problems.push(
            `${label}: ${response.status} instead of ${expected}: ${response.text.slice(0, 200)}`,
          );
        if (!mayRead) {
          const denials = await db().auditEvent.count({
            where: { id: { gt: lastAudit }, outcome: "denied" },
          });
          if (denials !== 1) problems.push(`${label}: ${denials} denial audit rows`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
