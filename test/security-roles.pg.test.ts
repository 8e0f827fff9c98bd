import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as scheduleRoute from "@/app/api/v1/clusters/[id]/schedules/[kind]/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/roles";
import { createSession } from "@/lib/auth/sessions";
import { generateApiToken } from "@/lib/auth/tokens";
import { db } from "@/lib/db";
import { encryptChannelTarget } from "@/lib/alerts/channels/target";
import { toOffsiteRow } from "@/lib/offsite/stored-settings";
import { jobSender } from "@/lib/queue/sender";
import { instanceName } from "@/lib/restore/names";
import { forgetDenialSamples } from "@/lib/auth/denials";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster, sandboxPrimary } from "@/test/sandbox-cluster";

// Long on purpose: the matrix is one table of every mutating endpoint, read best in one place.
// Issue 7's sweep, second part: the role matrix and cross-site requests.
// Every mutating handler under app/api/v1 is found on disk and must have a row in `matrix`:
// a new endpoint without one fails this file. Each row is called unauthenticated and as
// viewer, operator and admin: below its role it is 401/403 with nothing written but the
// denial's own audit event; at or above it answers with the row's status and, for a 2xx that
// changes something, an audit event under the caller.

const run = Date.now().toString(36);
const apiRoot = path.resolve("app/api/v1");
const mutatingMethods = ["POST", "PUT", "PATCH", "DELETE"] as const;
const missingId = "00000000-0000-4000-8000-00000000dead";

type Handler = Parameters<typeof call>[0];

/** "METHOD /api/v1/…" → handler, for every mutating export of every route.ts on disk. */
async function discoverMutatingHandlers(): Promise<Map<string, Handler>> {
  const found = new Map<string, Handler>();
  const files = (fs.readdirSync(apiRoot, { recursive: true }) as string[]).filter(
    (file) => path.basename(file) === "route.ts",
  );
  for (const file of files.sort()) {
    const routeModule = (await import(path.join(apiRoot, file))) as Record<string, unknown>;
    const route = `/api/v1/${path.dirname(file)}`.replace(/\/\.$/, "");
    for (const method of mutatingMethods) {
      if (typeof routeModule[method] === "function")
        found.set(`${method} ${route}`, routeModule[method] as Handler);
    }
  }
  return found;
}

interface Prepared {
  url: string;
  params?: Record<string, string>;
  body?: unknown;
  /** Public endpoints only: the session cookie the request carries. */
  cookie?: string;
}

interface MatrixRow {
  /** The lowest role allowed; "public" for sign-in and sign-out, which need none. */
  role: Role | "public";
  /** The status at or above the role. Not 2xx only where a valid request is impractical here. */
  ok: number;
  /** The audit action(s) a success writes; null for the POSTs that change nothing (probes, previews). */
  audit: string | string[] | null;
  /** Fresh fixtures for one call (an operator-level row is called twice with success). */
  prepare: () => Promise<Prepared>;
}

let admin: TestUser;
let clusterId: string;
let clusterName: string;
let hook: http.Server;
let hookUrl: string;
const hooksReceived: string[] = [];

async function freshCluster(): Promise<{ id: string; name: string }> {
  const name = `roles-${run}-${Math.random().toString(36).slice(2, 8)}`;
  return { id: await registerSandboxCluster(name, { archivePath: archiveOf(name) }), name };
}

/** An archive folder of the cluster's own (absent): retention must never see the sandbox's WAL. */
const archiveOf = (name: string) => path.join(inject("waldenHome"), "archive", name);

async function fakeBackup(kind: "physical" | "logical", status: "succeeded" | "queued" = "succeeded") {
  const backup = await db().backup.create({
    data: {
      clusterId,
      kind,
      status,
      options: { clusterId, kind },
      requestedBy: "test",
      database: kind === "logical" ? "app" : null,
      finishedAt: status === "succeeded" ? new Date() : null,
    },
  });
  return backup.id;
}

async function fakeRestore(data: { status: "queued" | "succeeded"; instanceState?: string }) {
  const restore = await db().restore.create({
    data: {
      clusterId,
      kind: "pitr",
      status: data.status,
      request: { clusterId, kind: "pitr" },
      instanceState: data.instanceState ?? null,
      requestedBy: "test",
    },
  });
  return restore.id;
}

async function firingAlert() {
  const rule = await db().alertRule.create({ data: { clusterId, kind: "standby_down" } });
  const alert = await db().alert.create({
    data: {
      ruleId: rule.id,
      clusterId,
      kind: "standby_down",
      state: "firing",
      severity: "warning",
      message: "standby1 is down",
      pendingSince: new Date(),
      startedAt: new Date(),
    },
  });
  return alert.id;
}

let passwordHash: Promise<string> | undefined;

/** A user to act on; the password is hashed once for all of them (hashing is slow on purpose). */
async function plainUser(role: Role = "viewer") {
  passwordHash ??= hashPassword("a-long-test-password");
  return db().user.create({
    data: {
      email: `matrix-${Math.random().toString(36).slice(2, 10)}@test.local`,
      role,
      passwordHash: await passwordHash,
    },
  });
}

const ids = (id: string, extra: Record<string, string> = {}) => ({ id, ...extra });

/** An offsite repository on a port where nothing listens. */
const offsiteSettings = {
  kind: "s3" as const,
  endpoint: "http://127.0.0.1:1",
  region: "us-east-1",
  bucket: "roles-test",
  forcePathStyle: true,
  accessKeyId: "ROLESKEY",
  secretAccessKey: "roles-secret",
};

const matrix: Record<string, MatrixRow> = {
  "POST /api/v1/alert-rules": {
    role: "admin",
    ok: 201,
    audit: "alert_rule.create",
    prepare: async () => ({ url: "/api/v1/alert-rules", body: { clusterId, kind: "wal_gap" } }),
  },
  "PATCH /api/v1/alert-rules/[id]": {
    role: "admin",
    ok: 200,
    audit: "alert_rule.update",
    prepare: async () => {
      const rule = await db().alertRule.create({ data: { clusterId, kind: "wal_gap" } });
      return { url: `/api/v1/alert-rules/${rule.id}`, params: ids(rule.id), body: { forSeconds: 120 } };
    },
  },
  "DELETE /api/v1/alert-rules/[id]": {
    role: "admin",
    ok: 204,
    audit: "alert_rule.delete",
    prepare: async () => {
      const rule = await db().alertRule.create({ data: { clusterId, kind: "wal_gap" } });
      return { url: `/api/v1/alert-rules/${rule.id}`, params: ids(rule.id) };
    },
  },
  "POST /api/v1/alerts/[id]/acknowledge": {
    role: "operator",
    ok: 200,
    audit: "alert.acknowledge",
    prepare: async () => {
      const id = await firingAlert();
      return { url: `/api/v1/alerts/${id}/acknowledge`, params: ids(id) };
    },
  },
  "POST /api/v1/alerts/[id]/silence": {
    role: "operator",
    ok: 200,
    audit: "alert.silence",
    prepare: async () => {
      const id = await firingAlert();
      const until = new Date(Date.now() + 3600_000).toISOString();
      return { url: `/api/v1/alerts/${id}/silence`, params: ids(id), body: { until } };
    },
  },
  "DELETE /api/v1/[...path]": {
    role: "public",
    ok: 404,
    audit: null,
    prepare: async () => ({ url: "/api/v1/no/such/endpoint", params: { path: "no/such/endpoint" } }),
  },
  "PATCH /api/v1/[...path]": {
    role: "public",
    ok: 404,
    audit: null,
    prepare: async () => ({ url: "/api/v1/no/such/endpoint", params: { path: "no/such/endpoint" } }),
  },
  "POST /api/v1/[...path]": {
    role: "public",
    ok: 404,
    audit: null,
    prepare: async () => ({ url: "/api/v1/no/such/endpoint", params: { path: "no/such/endpoint" } }),
  },
  "PUT /api/v1/[...path]": {
    role: "public",
    ok: 404,
    audit: null,
    prepare: async () => ({ url: "/api/v1/no/such/endpoint", params: { path: "no/such/endpoint" } }),
  },
  "POST /api/v1/auth/login": {
    role: "public",
    ok: 200,
    audit: "auth.login",
    prepare: async () => {
      const user = await plainUser();
      return { url: "/api/v1/auth/login", body: { email: user.email, password: "a-long-test-password" } };
    },
  },
  "PUT /api/v1/auth/oidc/settings": {
    role: "admin",
    ok: 200,
    audit: "auth.oidc.settings",
    prepare: async () => ({
      url: "/api/v1/auth/oidc/settings",
      body: {
        enabled: false,
        providerName: "Acme ID",
        issuerUrl: "https://id.example.com",
        clientId: "walden",
        clientSecret: "matrix-client-secret",
        roleClaim: "groups",
        roleMappings: [],
        localAccountsEnabled: true,
      },
    }),
  },
  // Discovery of an address nothing listens on: a 422 after the role check, nothing saved.
  "POST /api/v1/auth/oidc/settings/test": {
    role: "admin",
    ok: 422,
    audit: null,
    prepare: async () => ({
      url: "/api/v1/auth/oidc/settings/test",
      body: { issuerUrl: "http://127.0.0.1:9" },
    }),
  },
  "POST /api/v1/auth/logout": {
    role: "public",
    ok: 204,
    audit: "auth.logout",
    prepare: async () => {
      const session = await createSession((await plainUser()).id);
      return { url: "/api/v1/auth/logout", cookie: session.value };
    },
  },
  "POST /api/v1/backups": {
    role: "operator",
    ok: 202,
    audit: "backup.request",
    prepare: async () => ({ url: "/api/v1/backups", body: { clusterId, kind: "logical" } }),
  },
  "POST /api/v1/backups/[id]/verify": {
    role: "operator",
    ok: 202,
    audit: "backup.verify",
    prepare: async () => {
      const id = await fakeBackup("physical");
      return { url: `/api/v1/backups/${id}/verify`, params: ids(id) };
    },
  },
  "PATCH /api/v1/backups/[id]": {
    role: "operator",
    ok: 200,
    audit: "backup.pin",
    prepare: async () => {
      const id = await fakeBackup("physical");
      return { url: `/api/v1/backups/${id}`, params: ids(id), body: { pinned: true } };
    },
  },
  "DELETE /api/v1/backups/[id]": {
    role: "admin",
    ok: 200,
    audit: "backup.delete",
    prepare: async () => {
      const id = await fakeBackup("physical");
      return { url: `/api/v1/backups/${id}?confirm=${id.slice(0, 8)}`, params: ids(id) };
    },
  },
  "POST /api/v1/clusters": {
    role: "admin",
    ok: 201,
    audit: "cluster.create",
    prepare: async () => {
      const name = `roles-${run}-new-${Math.random().toString(36).slice(2, 8)}`;
      return {
        url: "/api/v1/clusters",
        body: {
          name,
          primary: sandboxPrimary(),
          archive: { mode: "archive_command", path: archiveOf(name) },
        },
      };
    },
  },
  "PATCH /api/v1/clusters/[id]": {
    role: "admin",
    ok: 200,
    audit: "cluster.update",
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}`,
      params: ids(clusterId),
      body: { sampleIntervalSeconds: 5 },
    }),
  },
  "DELETE /api/v1/clusters/[id]": {
    role: "admin",
    ok: 200,
    audit: "cluster.delete",
    prepare: async () => {
      const cluster = await freshCluster();
      return { url: `/api/v1/clusters/${cluster.id}?confirm=${cluster.name}`, params: ids(cluster.id) };
    },
  },
  "DELETE /api/v1/clusters/[id]/files": {
    role: "admin",
    ok: 200,
    audit: "cluster.files.remove",
    prepare: async () => {
      const cluster = await freshCluster();
      await db().cluster.update({ where: { id: cluster.id }, data: { retiredAt: new Date() } });
      return { url: `/api/v1/clusters/${cluster.id}/files?confirm=${cluster.name}`, params: ids(cluster.id) };
    },
  },
  // A drill is a pitr restore planned by the worker, which does not run here: an unknown
  // cluster's 404 shows the call got past the role check.
  "POST /api/v1/clusters/[id]/drills": {
    role: "operator",
    ok: 404,
    audit: null,
    prepare: async () => ({ url: `/api/v1/clusters/${missingId}/drills`, params: ids(missingId) }),
  },
  "PUT /api/v1/clusters/[id]/drills/schedule": {
    role: "admin",
    ok: 200,
    audit: "drill.schedule",
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}/drills/schedule`,
      params: ids(clusterId),
      body: { cron: "0 5 * * 0", timezone: "UTC" },
    }),
  },
  "PUT /api/v1/clusters/[id]/repositories/offsite": {
    role: "admin",
    ok: 200,
    audit: ["offsite_repository.create", "offsite_repository.update"],
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}/repositories/offsite`,
      params: ids(clusterId),
      body: offsiteSettings,
    }),
  },
  "PUT /api/v1/clusters/[id]/repositories/local": {
    role: "admin",
    ok: 200,
    audit: "local_repository.update",
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}/repositories/local`,
      params: ids(clusterId),
      body: { encryption: { enabled: false } },
    }),
  },
  "DELETE /api/v1/clusters/[id]/repositories/offsite": {
    role: "admin",
    ok: 200,
    audit: "offsite_repository.delete",
    prepare: async () => {
      const row = toOffsiteRow(offsiteSettings);
      await db().offsiteRepository.upsert({
        where: { clusterId },
        create: { clusterId, ...row },
        update: row,
      });
      return { url: `/api/v1/clusters/${clusterId}/repositories/offsite`, params: ids(clusterId) };
    },
  },
  "POST /api/v1/clusters/[id]/repositories/import": {
    role: "admin",
    ok: 422,
    audit: null,
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}/repositories/import`,
      params: ids(clusterId),
      body: { repository: "local", dryRun: true },
    }),
  }, // no local folder for this cluster: 422 naming `repository`
  // Nothing listens on the endpoint: a valid test that passes needs an S3 server (repositories.pg.test.ts has one).
  "POST /api/v1/clusters/[id]/repositories/offsite/test": {
    role: "admin",
    ok: 422,
    audit: null,
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}/repositories/offsite/test`,
      params: ids(clusterId),
      body: offsiteSettings,
    }),
  },
  "PUT /api/v1/clusters/[id]/retention": {
    role: "admin",
    ok: 200,
    audit: "retention.update",
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}/retention`,
      params: ids(clusterId),
      body: { recoveryWindowDays: 7, minRedundancy: 1, logicalKeep: 3 },
    }),
  },
  "POST /api/v1/clusters/[id]/retention/apply": {
    role: "admin",
    ok: 200,
    audit: "retention.apply",
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}/retention/apply?confirm=${clusterName}`,
      params: ids(clusterId),
    }),
  },
  "PUT /api/v1/clusters/[id]/schedules/[kind]": {
    role: "admin",
    ok: 200,
    audit: ["schedule.create", "schedule.update"],
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}/schedules/physical`,
      params: ids(clusterId, { kind: "physical" }),
      body: { cron: "0 2 * * *", timezone: "UTC" },
    }),
  },
  "DELETE /api/v1/clusters/[id]/schedules/[kind]": {
    role: "admin",
    ok: 204,
    audit: "schedule.delete",
    prepare: async () => {
      const params = ids(clusterId, { kind: "logical" });
      const url = `/api/v1/clusters/${clusterId}/schedules/logical`;
      const put = await call(scheduleRoute.PUT, "PUT", url, {
        token: admin.token,
        params,
        body: { cron: "0 3 * * *", timezone: "UTC" },
      });
      expect(put.status).toBe(200);
      return { url, params };
    },
  },
  "POST /api/v1/clusters/[id]/schedules": {
    role: "admin",
    ok: 201,
    audit: "schedule.create",
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}/schedules`,
      params: ids(clusterId),
      body: { kind: "logical", name: "hourly", cron: "0 * * * *", timezone: "UTC" },
    }),
  },
  "PATCH /api/v1/clusters/[id]/schedules/by-id/[scheduleId]": {
    role: "admin",
    ok: 200,
    audit: "schedule.update",
    prepare: async () => {
      const row = await db().backupSchedule.create({
        data: { clusterId, kind: "logical", cron: "0 4 * * *", timezone: "UTC", options: {} },
      });
      return {
        url: `/api/v1/clusters/${clusterId}/schedules/by-id/${row.id}`,
        params: ids(clusterId, { scheduleId: row.id }),
        body: { enabled: false },
      };
    },
  },
  "DELETE /api/v1/clusters/[id]/schedules/by-id/[scheduleId]": {
    role: "admin",
    ok: 204,
    audit: "schedule.delete",
    prepare: async () => {
      const row = await db().backupSchedule.create({
        data: { clusterId, kind: "logical", cron: "0 5 * * *", timezone: "UTC", options: {} },
      });
      return {
        url: `/api/v1/clusters/${clusterId}/schedules/by-id/${row.id}`,
        params: ids(clusterId, { scheduleId: row.id }),
      };
    },
  },
  "PUT /api/v1/clusters/[id]/schedules/verify": {
    role: "admin",
    ok: 200,
    audit: ["verify_schedule.create", "verify_schedule.update"],
    prepare: async () => ({
      url: `/api/v1/clusters/${clusterId}/schedules/verify`,
      params: ids(clusterId),
      body: { cron: "0 4 * * 0", timezone: "UTC" },
    }),
  },
  "DELETE /api/v1/clusters/[id]/schedules/verify": {
    role: "admin",
    ok: 204,
    audit: "verify_schedule.delete",
    prepare: async () => {
      await db().verifySchedule.upsert({
        where: { clusterId },
        create: { clusterId, cron: "0 4 * * 0", timezone: "UTC" },
        update: {},
      });
      return { url: `/api/v1/clusters/${clusterId}/schedules/verify`, params: ids(clusterId) };
    },
  },
  "POST /api/v1/clusters/[id]/test-connection": {
    role: "operator",
    ok: 200,
    audit: null,
    prepare: async () => ({ url: `/api/v1/clusters/${clusterId}/test-connection`, params: ids(clusterId) }),
  },
  "POST /api/v1/clusters/discover": {
    role: "admin",
    ok: 200,
    audit: "cluster.discover",
    prepare: async () => ({ url: "/api/v1/clusters/discover", body: sandboxPrimary() }),
  },
  "POST /api/v1/clusters/config-check": {
    role: "admin",
    ok: 200,
    audit: "cluster.config_check",
    prepare: async () => ({ url: "/api/v1/clusters/config-check", body: { node: sandboxPrimary() } }),
  },
  "POST /api/v1/clusters/test-connection": {
    role: "admin",
    ok: 200,
    audit: "cluster.test_connection",
    prepare: async () => ({ url: "/api/v1/clusters/test-connection", body: sandboxPrimary() }),
  },
  "PUT /api/v1/reports/mail-settings": {
    role: "admin",
    ok: 200,
    audit: "report_mail.settings",
    prepare: async () => ({
      url: "/api/v1/reports/mail-settings",
      body: { enabled: false, channelId: null, recipients: [] },
    }),
  },
  "POST /api/v1/reports/mail": {
    role: "admin",
    ok: 422,
    audit: null,
    prepare: async () => ({
      url: "/api/v1/reports/mail",
      body: { month: new Date().toISOString().slice(0, 7) },
    }),
  }, // this month has not ended: 422 before anything is queued (sent: lib/reports/mail.pg.test.ts)
  "POST /api/v1/notification-channels": {
    role: "admin",
    ok: 201,
    audit: "notification_channel.create",
    prepare: async () => ({
      url: "/api/v1/notification-channels",
      body: { kind: "webhook", name: `roles-${run}-${Math.random()}`, url: hookUrl },
    }),
  },
  "DELETE /api/v1/notification-channels/[id]": {
    role: "admin",
    ok: 204,
    audit: "notification_channel.delete",
    prepare: async () => {
      const id = await channel();
      return { url: `/api/v1/notification-channels/${id}`, params: ids(id) };
    },
  },
  "PATCH /api/v1/notification-channels/[id]": {
    role: "admin",
    ok: 200,
    audit: "notification_channel.update",
    prepare: async () => {
      const id = await channel();
      return {
        url: `/api/v1/notification-channels/${id}`,
        params: ids(id),
        body: { name: `roles-${run}-${Math.random()}` },
      };
    },
  },
  "PATCH /api/v1/me": {
    role: "viewer",
    ok: 200,
    audit: "user.update",
    prepare: async () => ({ url: "/api/v1/me", body: { locale: "ko" } }),
  },
  "POST /api/v1/notification-channels/[id]/test": {
    role: "admin",
    ok: 200,
    audit: "notification_channel.test",
    prepare: async () => {
      const id = await channel();
      return { url: `/api/v1/notification-channels/${id}/test`, params: ids(id) };
    },
  },
  "POST /api/v1/restores": {
    role: "operator",
    ok: 202,
    audit: "restore.request",
    prepare: async () => ({
      url: "/api/v1/restores",
      body: { clusterId, kind: "logical", backupId: await fakeBackup("logical"), database: `r_${run}` },
    }),
  },
  // Planning needs the worker (it reads WAL): an unknown cluster's 404 is past the role check.
  "POST /api/v1/restores/preview": {
    role: "operator",
    ok: 404,
    audit: null,
    prepare: async () => ({
      url: "/api/v1/restores/preview",
      body: { clusterId: missingId, kind: "pitr", target: { type: "latest" } },
    }),
  },
  "POST /api/v1/restores/[id]/cancel": {
    role: "operator",
    ok: 202,
    audit: "restore.cancel",
    prepare: async () => {
      const id = await fakeRestore({ status: "queued" });
      return { url: `/api/v1/restores/${id}/cancel`, params: ids(id) };
    },
  },
  "POST /api/v1/restores/[id]/teardown": {
    role: "operator",
    ok: 202,
    audit: "restore.teardown",
    prepare: async () => {
      const id = await fakeRestore({ status: "succeeded", instanceState: "stopped" });
      return { url: `/api/v1/restores/${id}/teardown`, params: ids(id), body: { confirm: instanceName(id) } };
    },
  },
  "POST /api/v1/sandbox/failover": {
    role: "admin",
    ok: 404,
    audit: null,
    prepare: async () => ({ url: "/api/v1/sandbox/failover", body: { clusterId, node: "standby1" } }),
  }, // not the demo sandbox's cluster: 404 (the 202: app/api/v1/sandbox/failover/failover.pg.test.ts)
  "POST /api/v1/tokens": {
    role: "admin",
    ok: 201,
    audit: "token.create",
    prepare: async () => ({ url: "/api/v1/tokens", body: { name: `roles-${run}`, role: "viewer" } }),
  },
  "DELETE /api/v1/tokens/[id]": {
    role: "admin",
    ok: 204,
    audit: "token.revoke",
    prepare: async () => {
      const { prefix, hash } = generateApiToken();
      const token = await db().apiToken.create({
        data: { name: "to-revoke", prefix, tokenHash: hash, userId: (await plainUser()).id, role: "viewer" },
      });
      return { url: `/api/v1/tokens/${token.id}`, params: ids(token.id) };
    },
  },
  "POST /api/v1/users": {
    role: "admin",
    ok: 201,
    audit: "user.create",
    prepare: async () => ({
      url: "/api/v1/users",
      body: {
        email: `matrix-new-${Math.random().toString(36).slice(2, 10)}@test.local`,
        role: "viewer",
        password: "another-long-password",
      },
    }),
  },
  "PATCH /api/v1/users/[id]": {
    role: "admin",
    ok: 200,
    audit: "user.update",
    prepare: async () => {
      const user = await plainUser();
      return { url: `/api/v1/users/${user.id}`, params: ids(user.id), body: { name: "Renamed" } };
    },
  },
};

async function channel(): Promise<string> {
  const row = await db().notificationChannel.create({
    data: {
      kind: "webhook",
      name: `roles-${run}-${Math.random()}`,
      secretEncrypted: encryptChannelTarget(hookUrl),
      displayTarget: new URL(hookUrl).host,
    },
  });
  return row.id;
}

// What "nothing written" means: every catalog table's content (audit events aside, checked on
// their own) and pg-boss's jobs and schedules. Token last-use times are bookkeeping of the call itself.
let fingerprintSql: string;

async function buildFingerprintSql(): Promise<string> {
  const tables = await db().$queryRawUnsafe<{ name: string }[]>(
    `select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'audit_events'`,
  );
  expect(tables.length).toBeGreaterThan(15);
  const parts = tables.map(
    ({ name }) =>
      `select '${name}' as t, count(*)::text || ':' || coalesce(md5(string_agg((to_jsonb(r) - 'last_used_at')::text, ',' order by (to_jsonb(r) - 'last_used_at')::text)), '') as v from "${name}" r`,
  );
  parts.push(`select 'pgboss.job', count(*)::text from pgboss.job`);
  parts.push(
    `select 'pgboss.schedule', coalesce(md5(string_agg(to_jsonb(s)::text, ',' order by s.name)), '') from pgboss.schedule s`,
  );
  return parts.join(" union all ");
}

/** The catalog's fingerprint (skipped when only the audit trail matters) and the last audit event. */
async function snapshot(withTables: boolean) {
  const rows = withTables ? await db().$queryRawUnsafe<{ t: string; v: string }[]>(fingerprintSql) : [];
  const last = await db().auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return { tables: Object.fromEntries(rows.map((row) => [row.t, row.v])), lastAuditId: last?.id ?? 0n };
}

async function auditsSince(id: bigint) {
  return db().auditEvent.findMany({ where: { id: { gt: id } }, orderBy: { id: "asc" } });
}

const users: Record<Role, TestUser> = {} as Record<Role, TestUser>;

beforeAll(async () => {
  await jobSender(); // pg-boss's schema exists before the first fingerprint
  fingerprintSql = await buildFingerprintSql();
  for (const role of ["viewer", "operator", "admin"] as const)
    users[role] = await makeUser(role, `matrix-${role}`);
  admin = users.admin;
  ({ id: clusterId, name: clusterName } = await freshCluster());
  hook = http.createServer((req, res) => {
    hooksReceived.push(req.url ?? "");
    req.resume();
    req.on("end", () => res.writeHead(200).end("ok"));
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook-${run}`;
});

afterAll(async () => {
  hook?.close();
  await db().cluster.deleteMany({ where: { name: { startsWith: `roles-${run}` } } });
  await db().notificationChannel.deleteMany({ where: { name: { startsWith: `roles-${run}` } } });
});

describe("role matrix", () => {
  it("has a row for every mutating handler under app/api/v1, and no row for one that is gone", async () => {
    const discovered = [...(await discoverMutatingHandlers()).keys()].sort();
    expect(discovered.length).toBeGreaterThanOrEqual(31);
    expect(discovered).toEqual(Object.keys(matrix).sort());
  });

  it("refuses every caller below the row's role with nothing written, and lets the others through, audited", async () => {
    const handlers = await discoverMutatingHandlers();
    const problems: string[] = [];
    let allowed = 0;
    let denied = 0;
    for (const [key, row] of Object.entries(matrix)) {
      const handler = handlers.get(key)!;
      const method = key.split(" ")[0]!;
      const callers: (Role | "anonymous")[] =
        row.role === "public" ? ["anonymous"] : ["anonymous", "viewer", "operator", "admin"];
      for (const caller of callers) {
        const prepared = await row.prepare();
        const user = caller === "anonymous" ? undefined : users[caller];
        const mayPass = row.role === "public" || (caller !== "anonymous" && rank(caller) >= rank(row.role));
        // A success is checked through its audit event; a denial or a declared no-op through the catalog.
        const before = await snapshot(!mayPass || !row.audit);
        // Each denial here must write its own row; sampling of repeats is tested in security-abuse.
        forgetDenialSamples();
        const response = await call(handler, method, prepared.url, {
          token: user?.token,
          cookie: prepared.cookie,
          body: prepared.body,
          params: prepared.params,
        });
        const after = await snapshot(!mayPass || !row.audit);
        const audits = await auditsSince(before.lastAuditId);
        const label = `${key} as ${caller}`;
        if (mayPass) {
          allowed += 1;
          if (response.status !== row.ok) problems.push(`${label}: ${response.status} ${response.text}`);
          const written = audits.filter((event) => event.outcome !== "denied");
          const actions = [row.audit ?? []].flat();
          if (
            row.audit &&
            !written.some((event) => actions.includes(event.action) && event.outcome === "success")
          )
            problems.push(`${label}: no ${row.audit} success audit event (${written.map((e) => e.action)})`);
          if (row.audit && user && written.some((event) => event.actorId !== user.id))
            problems.push(`${label}: audited under someone else`);
          if (
            !row.audit &&
            response.status < 300 &&
            JSON.stringify(after.tables) !== JSON.stringify(before.tables)
          )
            problems.push(`${label}: declared as changing nothing, but the catalog changed`);
        } else {
          denied += 1;
          const expected = caller === "anonymous" ? 401 : 403;
          if (response.status !== expected || !response.json?.error?.message)
            problems.push(`${label}: ${response.status} instead of ${expected} ${response.text}`);
          const changed = Object.keys(after.tables).filter((t) => after.tables[t] !== before.tables[t]);
          if (changed.length) problems.push(`${label}: wrote to ${changed.join(", ")}`);
          // The denial itself is the one audit event, under the caller (anonymous: nobody).
          const shape = audits.map((event) => `${event.action}:${event.outcome}:${event.actorId ?? "-"}`);
          if (
            audits.length !== 1 ||
            audits[0]!.outcome !== "denied" ||
            audits[0]!.actorId !== (user?.id ?? null)
          )
            problems.push(`${label}: audit events ${shape.join(" ")}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // Every row was called on both sides of its role: 4 callers each, 1 for the public ones.
    const rows = Object.values(matrix);
    expect(allowed + denied).toBe(rows.reduce((sum, row) => sum + (row.role === "public" ? 1 : 4), 0));
    expect(denied).toBe(rows.reduce((sum, row) => sum + (row.role === "public" ? 0 : rank(row.role)), 0));
    expect(hooksReceived.length).toBe(1);
  });
});

function rank(role: Role | "public"): number {
  return { public: 0, viewer: 1, operator: 2, admin: 3 }[role];
}

describe("cross-site requests", () => {
  // clusters POST as the example: admin-only, cookie sessions, and a row to count.
  const body = () => {
    const name = `roles-${run}-xsite-${Math.random().toString(36).slice(2, 8)}`;
    // Each its own archive folder: two clusters cannot share one.
    return { name, primary: sandboxPrimary(), archive: { mode: "archive_command", path: archiveOf(name) } };
  };
  const post = (options: Parameters<typeof call>[3]) =>
    call(clustersRoute.POST, "POST", "/api/v1/clusters", { body: body(), ...options });

  it("refuses a cookie-session POST from another site, or with no Origin, and stores nothing", async () => {
    const before = await db().cluster.count();
    const evil = await post({ cookie: admin.cookie, origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.json.error.message).toBe(
      "Cross-origin request refused: the Origin header does not match this site",
    );
    const none = await post({ cookie: admin.cookie });
    expect(none.status).toBe(403);
    expect(none.json.error.message).toMatch(/Cross-origin request refused/);
    // Same host, other scheme or port is another origin too.
    expect((await post({ cookie: admin.cookie, origin: "http://localhost:4000" })).status).toBe(403);
    expect(await db().cluster.count()).toBe(before);
    // Three refusals of one kind within a minute: one audit row that counts the other two.
    const refusals = await db().auditEvent.findMany({
      where: { actorId: admin.id, action: "cluster.create", outcome: "denied" },
    });
    const counted = refusals.reduce(
      (sum, row) => sum + 1 + Number((row.details as { repeats?: number } | null)?.repeats ?? 0),
      0,
    );
    expect(counted).toBeGreaterThanOrEqual(3);
  });

  it("accepts the same POST from the console's own origin", async () => {
    const response = await post({ cookie: admin.cookie, origin: "http://localhost:3000" });
    expect(response.status).toBe(201);
  });

  it("does not apply the Origin check to API tokens, which a browser never sends on its own", async () => {
    const response = await post({ token: admin.token, origin: "https://evil.example" });
    expect(response.status).toBe(201);
  });

  it("lets a cross-site GET read with a cookie (safe method), but refuses a cross-site sign-in", async () => {
    const list = await call(clustersRoute.GET, "GET", "/api/v1/clusters", {
      cookie: admin.cookie,
      origin: "https://evil.example",
    });
    expect(list.status).toBe(200);
    const { POST: login } = await import("@/app/api/v1/auth/login/route");
    const signIn = await call(login, "POST", "/api/v1/auth/login", {
      origin: "https://evil.example",
      body: { email: admin.email, password: "a-long-test-password" },
    });
    expect(signIn.status).toBe(403);
    expect(signIn.json.error.message).toBe("Cross-origin sign-in refused");
  });
});
