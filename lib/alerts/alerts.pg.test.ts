// Over 400 lines: one describe per part of the alert path (rules, a lag alert, acknowledge and silence, loops, catalog alerts), one sampler and receiver.
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as ruleIdRoute from "@/app/api/v1/alert-rules/[id]/route";
import * as ruleRoute from "@/app/api/v1/alert-rules/route";
import * as ackRoute from "@/app/api/v1/alerts/[id]/acknowledge/route";
import * as silenceRoute from "@/app/api/v1/alerts/[id]/silence/route";
import * as alertsRoute from "@/app/api/v1/alerts/route";
import * as deliveriesRoute from "@/app/api/v1/notification-channels/[id]/deliveries/route";
import * as channelIdRoute from "@/app/api/v1/notification-channels/[id]/route";
import * as testRoute from "@/app/api/v1/notification-channels/[id]/test/route";
import * as channelsRoute from "@/app/api/v1/notification-channels/route";
import { evaluateAlerts } from "@/lib/alerts/evaluate";
import { deliverDueNotifications } from "@/lib/alerts/notify";
import { ensureDefaultRules } from "@/lib/alerts/rules";
import { evaluateAlertsLocked, startAlertLoops } from "@/lib/alerts/worker";
import type { Actor } from "@/lib/auth/actor";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import { getReplicationSnapshot } from "@/lib/replication/queries";
import { defaultRules } from "@/lib/schemas/alerts";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { sandboxNode } from "@/test/sandbox-cluster";
import { startSmtpServer } from "@/test/smtp-server";

// An alert fires and resolves end to end: the real sampler watches the sandbox, replay is
// paused on standby1 while the primary writes, and a local webhook receiver must get the
// firing and then the resolved message. Evaluation and delivery are called directly.

const sandbox = inject("sandbox");
const MiB = 1024 * 1024;
/** The e-mail channel's SMTP server (helper I1's port range, 28200-28219). */
const SMTP_PORT = 28203;
const actor: Actor = {
  kind: "session",
  userId: "00000000-0000-0000-0000-000000000001",
  email: "test",
  role: "admin",
  label: "alerts test",
};
const standbyPort = (name: string) => sandbox.cluster.standbys.find((standby) => standby.name === name)!.port;

async function sql(port: number, text: string): Promise<void> {
  const client = new pg.Client(sandboxNode(port));
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

interface Received {
  path: string;
  body: {
    text: string;
    event: string;
    alert: { id: string; subject: string; cluster: string; state: string } | null;
  };
}
const received: Received[] = [];
let server: http.Server;
let baseUrl: string;

let admin: TestUser;
let viewer: TestUser;
let clusterId: string;
let clusterName: string;
let fleet: SamplerFleet;
let okChannelId: string;
let failChannelId: string;
let ruleId: string;

async function until<T>(
  description: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const result = await check();
    if (result !== undefined) return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${description}`);
}

/** One worker tick, in-process: evaluate this cluster, then attempt what is due. */
async function tick(): Promise<void> {
  await evaluateAlerts(new Date(), { clusterIds: [clusterId] });
  await deliverDueNotifications();
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(body) as Received["body"] });
      if (req.url?.startsWith("/fail")) {
        res.writeHead(500).end("receiver broken");
      } else {
        res.writeHead(200).end("ok");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  clusterName = `alerted-${Date.now().toString(36)}`;
  const cluster = await registerCluster(
    actor,
    clusterCreateSchema.parse({
      name: clusterName,
      primary: sandboxNode(sandbox.cluster.primary.port),
      standbys: sandbox.cluster.standbys.map((standby) => ({
        name: standby.name,
        ...sandboxNode(standby.port),
      })),
      archive: { mode: "archive_command", path: sandbox.cluster.archiveDir },
    }),
    {},
  );
  clusterId = cluster.id;
  fleet = new SamplerFleet(inject("databaseUrl"), "alerts-test-worker", () => {});
  fleet.start();
  await until("both standbys streaming", async () => {
    const view = await getReplicationSnapshot(clusterId);
    return view?.standbys.length && view.standbys.every((standby) => standby.state === "streaming")
      ? true
      : undefined;
  });
});

afterAll(async () => {
  await sql(standbyPort("standby1"), "select pg_wal_replay_resume()").catch(() => {});
  await fleet?.stop();
  if (clusterId) await db().cluster.delete({ where: { id: clusterId } });
  await db().notificationChannel.deleteMany({
    where: { id: { in: [okChannelId, failChannelId].filter(Boolean) } },
  });
  await new Promise((resolve) => server.close(resolve));
});

describe("rules and channels", () => {
  it("gives a new cluster the default rules once", async () => {
    const rules = await db().alertRule.findMany({ where: { clusterId, isDefault: true } });
    expect(rules).toHaveLength(defaultRules.length);
    expect(await ensureDefaultRules(clusterId)).toBe(0);
    expect(await db().alertRule.count({ where: { clusterId } })).toBe(defaultRules.length);
  });

  it("creates webhook channels and never shows their URL", async () => {
    const ok = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: { kind: "webhook", name: `ok-${clusterName}`, url: `${baseUrl}/ok/secret-token-123` },
    });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ kind: "webhook", displayTarget: new URL(baseUrl).host });
    okChannelId = ok.json.id;
    const fail = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: { kind: "webhook", name: `fail-${clusterName}`, url: `${baseUrl}/fail/secret-token-456` },
    });
    expect(fail.status).toBe(201);
    failChannelId = fail.json.id;

    const viewerPost = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: viewer.token,
      body: { kind: "webhook", name: "nope", url: `${baseUrl}/nope` },
    });
    expect(viewerPost.status).toBe(403);

    const list = await call(channelsRoute.GET, "GET", "/api/v1/notification-channels", {
      token: viewer.token,
    });
    expect(list.status).toBe(200);
    expect(list.json.map((channel: { id: string }) => channel.id)).toEqual(
      expect.arrayContaining([okChannelId, failChannelId]),
    );
    expect(list.text).not.toContain("secret-token");
    expect(list.text).not.toContain("/ok");
    const stored = await db().notificationChannel.findUniqueOrThrow({ where: { id: okChannelId } });
    expect(stored.secretEncrypted).not.toContain("secret-token");
  });

  it("lets only an admin create a rule", async () => {
    const body = {
      clusterId,
      kind: "replication_lag_bytes",
      threshold: 5 * MiB,
      forSeconds: 0,
      severity: "critical",
      channelIds: [okChannelId, failChannelId],
    };
    const denied = await call(ruleRoute.POST, "POST", "/api/v1/alert-rules", { token: viewer.token, body });
    expect(denied.status).toBe(403);
    const unknownChannel = await call(ruleRoute.POST, "POST", "/api/v1/alert-rules", {
      token: admin.token,
      body: { ...body, channelIds: ["00000000-0000-0000-0000-00000000dead"] },
    });
    expect(unknownChannel.status).toBe(422);
    const created = await call(ruleRoute.POST, "POST", "/api/v1/alert-rules", { token: admin.token, body });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ kind: "replication_lag_bytes", threshold: 5 * MiB, forSeconds: 0 });
    ruleId = created.json.id;
  });

  it("sends a test notification now and reports how it went", async () => {
    const ok = await call(testRoute.POST, "POST", "/x", { token: admin.token, params: { id: okChannelId } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ event: "test", status: "delivered", attempts: 1, responseStatus: 200 });
    expect(received.at(-1)).toMatchObject({ path: "/ok/secret-token-123", body: { event: "test" } });
    const fail = await call(testRoute.POST, "POST", "/x", {
      token: admin.token,
      params: { id: failChannelId },
    });
    expect(fail.json).toMatchObject({ status: "failed", attempts: 1, responseStatus: 500 });
    expect(fail.json.lastError).toMatch(/HTTP 500/);
  });
});

describe("a replication lag alert", () => {
  const firingFor = (path: string) =>
    received.filter(
      (message) =>
        message.path.startsWith(path) &&
        message.body.event === "firing" &&
        message.body.alert?.subject === "standby1",
    );

  it("fires once while replay is paused and resolves after it resumes", async () => {
    await sql(standbyPort("standby1"), "select pg_wal_replay_pause()");
    try {
      await sql(sandbox.cluster.primary.port, "create table if not exists alert_bulk (x text)");
      await sql(
        sandbox.cluster.primary.port,
        "insert into alert_bulk select repeat(md5(i::text), 8) from generate_series(1, 40000) i",
      );
      const firing = await until("the webhook to receive the firing message", async () => {
        await tick();
        return firingFor("/ok")[0];
      });
      expect(firing.body.text).toContain(clusterName);
      expect(firing.body.text).toContain("standby1");
      expect(firing.body.text).toMatch(/^\[CRITICAL\] FIRING/);

      // More passes while the condition holds: still one alert, no second notification.
      for (let pass = 0; pass < 3; pass += 1) await tick();
      const open = await db().alert.findMany({ where: { ruleId, subject: "standby1" } });
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ state: "firing", severity: "critical" });
      expect(open[0]!.value).toBeGreaterThan(5 * MiB);
      expect(firingFor("/ok")).toHaveLength(1);

      const listed = await call(
        alertsRoute.GET,
        "GET",
        `/api/v1/alerts?state=firing&clusterId=${clusterId}`,
        {
          token: viewer.token,
        },
      );
      expect(listed.status).toBe(200);
      expect(listed.json).toContainEqual(
        expect.objectContaining({
          id: open[0]!.id,
          ruleId,
          clusterId,
          kind: "replication_lag_bytes",
          state: "firing",
        }),
      );

      // The failing receiver was tried once and is waiting for its retry.
      const failing = await db().notificationDelivery.findFirstOrThrow({
        where: { channelId: failChannelId, alertId: open[0]!.id, event: "firing" },
      });
      expect(failing).toMatchObject({ status: "pending", attempts: 1, responseStatus: 500 });
      expect(failing.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await sql(standbyPort("standby1"), "select pg_wal_replay_resume()");
    }

    const resolved = await until("the webhook to receive the resolved message", async () => {
      await tick();
      return received.find(
        (message) =>
          message.path.startsWith("/ok") &&
          message.body.event === "resolved" &&
          message.body.alert?.subject === "standby1",
      );
    });
    expect(resolved.body.text).toMatch(/^\[RESOLVED\]/);
    expect(resolved.body.text).toContain(clusterName);
    const alerts = await db().alert.findMany({ where: { ruleId, subject: "standby1" } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.state).toBe("resolved");
    expect(alerts[0]!.resolvedAt).not.toBeNull();
    expect(firingFor("/ok")).toHaveLength(1);

    const history = await call(
      alertsRoute.GET,
      "GET",
      `/api/v1/alerts?state=resolved&clusterId=${clusterId}`,
      {
        token: viewer.token,
      },
    );
    expect(history.json.map((alert: { id: string }) => alert.id)).toContain(alerts[0]!.id);
  });

  it("retries a failing receiver with backoff until it gives up, recording every attempt", async () => {
    const delivery = await db().notificationDelivery.findFirstOrThrow({
      where: { channelId: failChannelId, event: "firing" },
    });
    const hits = () =>
      received.filter(
        (message) =>
          message.path.startsWith("/fail") &&
          message.body.event === "firing" &&
          message.body.alert?.id === delivery.alertId,
      );
    const before = hits().length;
    // Jump the clock an hour per pass so every retry is due.
    let clock = Date.now();
    for (let pass = 0; pass < 6; pass += 1) {
      clock += 3_600_000;
      await deliverDueNotifications(() => new Date(clock));
    }
    const done = await db().notificationDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(done).toMatchObject({ status: "failed", attempts: 5, responseStatus: 500 });
    expect(done.lastError).toMatch(/HTTP 500: receiver broken/);
    expect(hits().length - before).toBe(5 - delivery.attempts);

    const listed = await call(deliveriesRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: failChannelId },
    });
    expect(listed.status).toBe(200);
    expect(listed.json).toContainEqual(
      expect.objectContaining({ id: delivery.id, status: "failed", attempts: 5 }),
    );
  });
});

describe("acknowledge, silence, history and the evaluation lock", () => {
  let fakeClusterId: string;
  let pausedRuleId: string;
  const snapshotAt = (sampledAt: Date, replayPaused: boolean) => ({
    clusterId: fakeClusterId,
    primary: { name: "primary", reachable: true, currentLsn: "0/5000000", timeline: 1, inRecovery: false },
    standbys: [
      {
        name: "replica-a",
        upstream: "primary",
        state: replayPaused ? "paused" : "streaming",
        stateSince: sampledAt.toISOString(),
        reason: null,
        reachable: true,
        lagBytes: { sent: 0, write: 0, flush: 0, replay: 0 },
        lagSeconds: { write: 0, flush: 0, replay: 0 },
        replayPaused,
      },
    ],
    slots: [],
    archiver: null,
    sampledAt: sampledAt.toISOString(),
    intervalSeconds: 1,
  });
  const writeSnapshot = async (replayPaused: boolean, sampledAt = new Date()) => {
    const snapshot = snapshotAt(sampledAt, replayPaused);
    await db().clusterSnapshot.upsert({
      where: { clusterId: fakeClusterId },
      create: { clusterId: fakeClusterId, sampledAt, ownerId: "test", snapshot },
      update: { sampledAt, snapshot },
    });
    return sampledAt;
  };
  // Evaluated as of the sample's own time: a slow machine between the two calls must not make
  // a fresh sample look stale.
  const evaluate = (now = new Date()) => evaluateAlerts(now, { clusterIds: [fakeClusterId] });
  const alertsOfRule = () =>
    db().alert.findMany({ where: { ruleId: pausedRuleId }, orderBy: { pendingSince: "asc" } });
  const deliveriesOf = (alertId: string) => db().notificationDelivery.findMany({ where: { alertId } });

  beforeAll(async () => {
    const cluster = await db().cluster.create({
      data: {
        name: `silenced-${Date.now().toString(36)}`,
        archiveMode: "archive_command",
        nodes: {
          create: [
            { name: "primary", role: "primary", host: "127.0.0.1", port: 1, username: "u", database: "d" },
            { name: "replica-a", role: "standby", host: "127.0.0.1", port: 2, username: "u", database: "d" },
          ],
        },
      },
    });
    fakeClusterId = cluster.id;
    const rule = await call(ruleRoute.POST, "POST", "/api/v1/alert-rules", {
      token: admin.token,
      body: { clusterId: fakeClusterId, kind: "replay_paused", forSeconds: 0, channelIds: [okChannelId] },
    });
    expect(rule.status).toBe(201);
    pausedRuleId = rule.json.id;
  });

  afterAll(async () => {
    if (fakeClusterId) await db().cluster.delete({ where: { id: fakeClusterId } });
  });

  it("acknowledges (operator), silences until a time, and a silenced alert resolves without notifying", async () => {
    // Checked by the state it leaves, not by this call's counts: any evaluator (a worker a
    // previous file left behind, on a slow machine) may be the one that opened it.
    await evaluate(await writeSnapshot(true));
    const [alert] = await alertsOfRule();
    expect(alert).toMatchObject({ state: "firing", subject: "replica-a" });
    expect((await deliveriesOf(alert!.id)).map((delivery) => delivery.event)).toEqual(["firing"]);

    const params = { id: alert!.id };
    expect((await call(ackRoute.POST, "POST", "/x", { token: viewer.token, params })).status).toBe(403);
    const operator = await makeUser("operator");
    const acked = await call(ackRoute.POST, "POST", "/x", { token: operator.token, params });
    expect(acked.status).toBe(200);
    expect(acked.json.acknowledgedAt).not.toBeNull();
    expect(acked.json.acknowledgedBy).toContain(operator.email);

    const noOffset = await call(silenceRoute.POST, "POST", "/x", {
      token: operator.token,
      params,
      body: { until: "2099-01-01T00:00:00" },
    });
    expect(noOffset.status).toBe(422);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const silenced = await call(silenceRoute.POST, "POST", "/x", {
      token: operator.token,
      params,
      body: { until },
    });
    expect(silenced.status).toBe(200);
    expect(silenced.json.silencedUntil).toBe(until);

    // A stale sample says nothing: the alert stays firing.
    await writeSnapshot(false, new Date(Date.now() - 10 * 60_000));
    await evaluate();
    expect((await alertsOfRule())[0]!.state).toBe("firing");

    await evaluate(await writeSnapshot(false));
    expect((await alertsOfRule())[0]!.state).toBe("resolved");
    expect((await deliveriesOf(alert!.id)).map((delivery) => delivery.event)).toEqual(["firing"]);

    // It happens again: a new alert (history kept), notified, since the silence was the old one's.
    await evaluate(await writeSnapshot(true));
    const both = await alertsOfRule();
    expect(both.map((row) => row.state)).toEqual(["resolved", "firing"]);
    expect((await deliveriesOf(both[1]!.id)).map((delivery) => delivery.event)).toEqual(["firing"]);
  });

  it("lets one worker evaluate at a time", async () => {
    const holder = new pg.Client({ connectionString: inject("databaseUrl") });
    await holder.connect();
    try {
      await holder.query("select pg_advisory_lock($1, $2)", [0x57414c44, 0x414c5254]);
      expect(await evaluateAlertsLocked(inject("databaseUrl"))).toBeNull();
      await holder.query("select pg_advisory_unlock($1, $2)", [0x57414c44, 0x414c5254]);
      expect(await evaluateAlertsLocked(inject("databaseUrl"))).toMatchObject({ opened: expect.any(Number) });
    } finally {
      await holder.end();
    }
  });

  it("changes and deletes rules as admin only, and a deleted channel leaves every rule", async () => {
    const params = { id: pausedRuleId };
    const denied = await call(ruleIdRoute.PATCH, "PATCH", "/x", {
      token: viewer.token,
      params,
      body: { enabled: false },
    });
    expect(denied.status).toBe(403);
    const patched = await call(ruleIdRoute.PATCH, "PATCH", "/x", {
      token: admin.token,
      params,
      body: { forSeconds: 120, severity: "critical" },
    });
    expect(patched.status).toBe(200);
    // Only what was sent changes: channels and enabled keep their values.
    expect(patched.json).toMatchObject({
      forSeconds: 120,
      severity: "critical",
      enabled: true,
      channelIds: [okChannelId],
    });

    // A real SMTP server on loopback takes the e-mail channel's test message.
    const smtp = await startSmtpServer(SMTP_PORT, { user: "mailer", password: "mail-password" });
    const spare = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: {
        kind: "email",
        name: `mail-${Date.now().toString(36)}`,
        host: "127.0.0.1",
        port: SMTP_PORT,
        tls: "none",
        user: "mailer",
        password: "mail-password",
        from: "walden@example.com",
        to: ["dba@example.com"],
      },
    });
    expect(spare.json.displayTarget).toBe(`dba@example.com via 127.0.0.1:${SMTP_PORT}`);
    await call(ruleIdRoute.PATCH, "PATCH", "/x", {
      token: admin.token,
      params,
      body: { channelIds: [okChannelId, spare.json.id] },
    });
    const mailed = await call(testRoute.POST, "POST", "/x", {
      token: admin.token,
      params: { id: spare.json.id },
    });
    expect(mailed.json).toMatchObject({ status: "delivered", attempts: 1, lastError: null });
    const [mail] = await smtp.waitFor(1).finally(() => smtp.close());
    expect(mail!.to).toEqual(["dba@example.com"]);
    expect(mail!.mail.subject).toBe("[Walden] Test notification");
    expect(mail!.mail.text).toContain(`Walden test notification for channel "${spare.json.name}"`);
    const removed = await call(channelIdRoute.DELETE, "DELETE", "/x", {
      token: admin.token,
      params: { id: spare.json.id },
    });
    expect(removed.status).toBe(204);
    expect((await db().alertRule.findUniqueOrThrow({ where: { id: pausedRuleId } })).channelIds).toEqual([
      okChannelId,
    ]);

    const deleted = await call(ruleIdRoute.DELETE, "DELETE", "/x", { token: admin.token, params });
    expect(deleted.status).toBe(204);
    expect(await db().alert.count({ where: { ruleId: pausedRuleId } })).toBe(0);
    const again = await call(ruleIdRoute.DELETE, "DELETE", "/x", { token: admin.token, params });
    expect(again.status).toBe(404);
  });
});

describe("startAlertLoops", () => {
  it("evaluates and delivers on its own timers, and stops cleanly", async () => {
    const lines: string[] = [];
    const workers = startAlertLoops((line) => lines.push(line));
    try {
      const delivery = await db().notificationDelivery.create({
        data: {
          channelId: okChannelId,
          event: "test",
          payload: { text: "from the worker loop", event: "test" },
        },
      });
      const done = await until(
        "the delivery loop to deliver it",
        async () => {
          const row = await db().notificationDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
          return row.status === "delivered" ? row : undefined;
        },
        15_000,
      );
      expect(done.attempts).toBe(1);
      expect(received.at(-1)?.body.text).toBe("from the worker loop");
      expect(lines).toContainEqual(expect.stringMatching(/^notifications: 1 delivered/));
    } finally {
      await workers.stop();
    }
  });
});

describe("catalog-driven alerts", () => {
  it("fires on a failed backup and a failed verification, and clears when newer ones succeed", async () => {
    const cluster = await db().cluster.create({
      data: {
        name: `catalog-${Date.now().toString(36)}`,
        archiveMode: "archive_command",
        nodes: {
          create: [
            { name: "primary", role: "primary", host: "127.0.0.1", port: 1, username: "u", database: "d" },
          ],
        },
      },
    });
    try {
      const rules = await Promise.all(
        (["backup_failed", "verify_failed", "backup_overdue"] as const).map((kind) =>
          db().alertRule.create({
            data: { clusterId: cluster.id, kind, forSeconds: 0, severity: "critical" },
          }),
        ),
      );
      const evaluate = () => evaluateAlerts(new Date(), { clusterIds: [cluster.id] });
      const open = async () =>
        (await db().alert.findMany({ where: { clusterId: cluster.id, state: "firing" } }))
          .map((alert) => `${alert.kind}: ${alert.message}`)
          .sort();
      const backup = (status: "failed" | "succeeded", minutesAgo: number, extra = {}) =>
        db().backup.create({
          data: {
            clusterId: cluster.id,
            kind: "physical",
            status,
            options: {},
            requestedBy: "test",
            createdAt: new Date(Date.now() - minutesAgo * 60_000),
            finishedAt: new Date(Date.now() - minutesAgo * 60_000),
            ...extra,
          },
        });

      // Registered long ago and never backed up: overdue against the 26 h RPO target.
      await db().cluster.update({
        where: { id: cluster.id },
        data: { createdAt: new Date(Date.now() - 30 * 3600_000) },
      });
      await evaluate();
      expect(await open()).toEqual([
        `backup_overdue: Cluster ${cluster.name}: no successful physical backup yet, 30.0 h after registration (target 26.0 h)`,
      ]);

      await backup("succeeded", 60, {
        verified: false,
        verifiedAt: new Date(),
        verifyLog: "pg_verifybackup: checksum mismatch for file base/1/1259",
      });
      await backup("failed", 10, { error: "pg_basebackup: could not connect" });
      await evaluate();
      expect(await open()).toEqual([
        `backup_failed: Cluster ${cluster.name}: the latest physical backup failed: pg_basebackup: could not connect`,
        `verify_failed: Cluster ${cluster.name}: verification of backup ${(await db().backup.findFirstOrThrow({ where: { clusterId: cluster.id, verifiedAt: { not: null } } })).id} failed: pg_verifybackup: checksum mismatch for file base/1/1259`,
      ]);

      await backup("succeeded", 0, { verified: true, verifiedAt: new Date(Date.now() + 1000) });
      await evaluate();
      expect(await open()).toEqual([]);
      const history = await db().alert.findMany({ where: { ruleId: { in: rules.map((rule) => rule.id) } } });
      expect(history.map((alert) => `${alert.kind}:${alert.state}`).sort()).toEqual([
        "backup_failed:resolved",
        "backup_overdue:resolved",
        "verify_failed:resolved",
      ]);
    } finally {
      await db().cluster.delete({ where: { id: cluster.id } });
    }
  });
});
