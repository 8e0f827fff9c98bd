import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as channelRoute from "@/app/api/v1/notification-channels/[id]/route";
import * as testRoute from "@/app/api/v1/notification-channels/[id]/test/route";
import * as channelsRoute from "@/app/api/v1/notification-channels/route";
import { alertPayload, deliverDueNotifications } from "@/lib/alerts/notify";
import { encryptChannelTarget, readChannelTarget } from "@/lib/alerts/channels/target";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { emailChannelBody, startSmtpServer, type TestSmtpServer } from "@/test/smtp-server";

// E-mail and PagerDuty channels end to end: channels made through the API, deliveries sent by
// the same loop the worker runs, received by a real SMTP server (smtp-server on 127.0.0.1) and
// by a local HTTP server standing in for events.pagerduty.com (WALDEN_PAGERDUTY_EVENTS_URL).

const SMTP_PORT = 28200;
const PAGERDUTY_PORT = 28201;
const smtpUser = { user: "walden-mailer", password: "smtp-secret-Pa55word" };
const routingKey = "R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12";

let smtp: TestSmtpServer;
let pagerDuty: http.Server;
const events: { path: string; body: Record<string, unknown> }[] = [];
let admin: TestUser;
let viewer: TestUser;
const run = Date.now().toString(36);

const alertInput = {
  id: "00000000-0000-4000-8000-00000000a1e7",
  kind: "replication_lag_bytes",
  severity: "critical",
  subject: "standby1",
  message: "Cluster prod: standby standby1 is 120.0 MiB behind in replay (threshold 100.0 MiB)",
  value: 120 * 1024 * 1024,
  clusterId: "00000000-0000-4000-8000-0000000c1057",
  clusterName: "prod",
  startedAt: new Date("2026-12-01T03:00:00Z"),
  resolvedAt: null,
};

/** A delivery as the evaluator queues it (alert-less, so no cluster is needed), due now. */
async function queueDelivery(channelId: string, event: "firing" | "resolved") {
  const payload = alertPayload(event, {
    ...alertInput,
    resolvedAt: event === "resolved" ? new Date("2026-12-01T03:20:00Z") : null,
  });
  return db().notificationDelivery.create({
    data: { channelId, event, payload: toJson(payload), nextAttemptAt: new Date(Date.now() - 1000) },
  });
}

async function deliveryStatus(id: string) {
  return db().notificationDelivery.findUniqueOrThrow({ where: { id } });
}

function emailChannel(name: string, overrides: Record<string, unknown> = {}) {
  return emailChannelBody(smtp, smtpUser, {
    name,
    to: ["oncall@example.test", "dba@example.test"],
    ...overrides,
  });
}

beforeAll(async () => {
  smtp = await startSmtpServer(SMTP_PORT, smtpUser);
  pagerDuty = http.createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", () => {
      events.push({ path: req.url ?? "", body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(202, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "success", message: "Event processed" }));
    });
  });
  await new Promise<void>((resolve) => pagerDuty.listen(PAGERDUTY_PORT, "127.0.0.1", resolve));
  process.env.WALDEN_PAGERDUTY_EVENTS_URL = `http://127.0.0.1:${PAGERDUTY_PORT}/v2/enqueue`;
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
});

afterAll(async () => {
  delete process.env.WALDEN_PAGERDUTY_EVENTS_URL;
  await smtp?.close();
  await new Promise((resolve) => pagerDuty?.close(resolve));
});

describe("an e-mail channel", () => {
  let channelId: string;

  it("is made by an admin with its SMTP server; the password is stored encrypted and never returned", async () => {
    const denied = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: viewer.token,
      body: emailChannel(`mail-denied-${run}`),
    });
    expect(denied.status).toBe(403);
    const created = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: emailChannel(`mail-${run}`),
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      kind: "email",
      displayTarget: `oncall@example.test, dba@example.test via 127.0.0.1:${SMTP_PORT}`,
    });
    channelId = created.json.id;
    const listed = await call(channelsRoute.GET, "GET", "/api/v1/notification-channels", {
      token: viewer.token,
    });
    expect(listed.text).not.toContain(smtpUser.password);
    const stored = await db().notificationChannel.findUniqueOrThrow({ where: { id: channelId } });
    expect(stored.secretEncrypted).not.toContain(smtpUser.password);
    expect(stored.secretEncrypted).not.toContain("127.0.0.1");
  });

  it("mails a firing alert and its resolution, signed in, to every recipient", async () => {
    const before = smtp.received.length;
    const firing = await queueDelivery(channelId, "firing");
    await deliverDueNotifications();
    expect(await deliveryStatus(firing.id)).toMatchObject({
      status: "delivered",
      attempts: 1,
      lastError: null,
    });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.user).toBe(smtpUser.user);
    expect(mail!.from).toBe("walden@example.test");
    expect(mail!.to).toEqual(["oncall@example.test", "dba@example.test"]);
    expect(mail!.mail.subject).toBe(`[Walden] FIRING CRITICAL: prod ${alertInput.message}`);
    expect(mail!.mail.text).toContain(`[CRITICAL] FIRING ${alertInput.message}`);
    expect(mail!.mail.text).toContain("Cluster:  prod");
    expect(mail!.mail.text).toContain("Subject:  standby1");
    expect(mail!.mail.text).toContain("Since:    2026-12-01T03:00:00.000Z");

    const resolved = await queueDelivery(channelId, "resolved");
    await deliverDueNotifications();
    expect((await deliveryStatus(resolved.id)).status).toBe("delivered");
    const [resolution] = (await smtp.waitFor(before + 2)).slice(before + 1);
    expect(resolution!.mail.subject).toBe(`[Walden] RESOLVED: prod ${alertInput.message}`);
    expect(resolution!.mail.text).toContain("[RESOLVED]");
    expect(resolution!.mail.text).toContain("Resolved: 2026-12-01T03:20:00.000Z");
  });

  it("sends a test message at once and says it was delivered", async () => {
    const before = smtp.received.length;
    const tested = await call(testRoute.POST, "POST", "/x", {
      token: admin.token,
      params: { id: channelId },
    });
    expect(tested.status).toBe(200);
    expect(tested.json).toMatchObject({ status: "delivered", attempts: 1, lastError: null });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.mail.subject).toBe("[Walden] Test notification");
    expect(mail!.mail.text).toContain(`Walden test notification for channel "mail-${run}"`);
  });

  it("records the server's refusal of a wrong password, and retries", async () => {
    const created = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: emailChannel(`mail-wrong-${run}`, { password: "not-the-password" }),
    });
    const before = smtp.received.length;
    const delivery = await queueDelivery(created.json.id, "firing");
    await deliverDueNotifications();
    const row = await deliveryStatus(delivery.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.lastError).toMatch(/^the SMTP server refused the user or password/);
    expect(smtp.received.length).toBe(before);
    await db().notificationChannel.delete({ where: { id: created.json.id } });
  });

  it("fails an e-mail channel stored before SMTP settings existed once, saying what to do", async () => {
    const old = await db().notificationChannel.create({
      data: {
        kind: "email",
        name: `mail-old-${run}`,
        // What the old stub stored: one address, encrypted.
        secretEncrypted: encryptChannelTarget("dba@example.test"),
        displayTarget: "dba@example.test",
      },
    });
    const delivery = await queueDelivery(old.id, "firing");
    await deliverDueNotifications();
    const row = await deliveryStatus(delivery.id);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.lastError).toContain("delete it and create it again with the SMTP settings");
    await db().notificationChannel.delete({ where: { id: old.id } });
  });

  it("refuses bad settings with a 422 naming each field", async () => {
    const bad = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: emailChannel(`mail-bad-${run}`, {
        host: "smtp.example.com; rm -rf /",
        port: 70000,
        tls: "ssl",
        from: "not an address",
        to: [],
        user: "someone",
        password: "",
      }),
    });
    expect(bad.status).toBe(422);
    const paths = (bad.json.error.details.issues as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).toEqual(expect.arrayContaining(["from", "host", "port", "tls", "to"]));
    const noPassword = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: emailChannel(`mail-nopass-${run}`, { password: "" }),
    });
    expect(noPassword.status).toBe(422);
    expect(noPassword.json.error.details.issues).toEqual([
      { path: "password", message: "is required when a user is given" },
    ]);
  });
});

describe("editing a channel (PATCH)", () => {
  const patch = (id: string, token: string, body: unknown) =>
    call(channelRoute.PATCH, "PATCH", `/api/v1/notification-channels/${id}`, {
      token,
      body,
      params: { id },
    });

  it("is an admin's; the password left out is kept, never returned, and the change audited", async () => {
    const created = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: emailChannel(`mail-edit-${run}`),
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json.settings).toMatchObject({ kind: "email", locale: "en", hasPassword: true });
    expect(created.text).not.toContain(smtpUser.password);

    const denied = await patch(id, viewer.token, { locale: "ko" });
    expect(denied.status).toBe(403);

    const edited = await patch(id, admin.token, {
      name: `mail-edited-${run}`,
      to: ["sre@example.test"],
      locale: "ko",
    });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({
      name: `mail-edited-${run}`,
      displayTarget: `sre@example.test via 127.0.0.1:${SMTP_PORT}`,
      settings: { kind: "email", user: smtpUser.user, to: ["sre@example.test"], locale: "ko", hasPassword: true },
    });
    expect(edited.text).not.toContain(smtpUser.password);
    const row = await db().notificationChannel.findUniqueOrThrow({ where: { id } });
    const target = readChannelTarget(row);
    expect(target.kind === "email" && target.smtp.password).toBe(smtpUser.password);

    const audited = await db().auditEvent.findFirstOrThrow({
      where: { action: "notification_channel.update", targetId: id },
    });
    expect(audited.outcome).toBe("success");
    expect(JSON.stringify(audited.details)).toContain('"changed":["name","to","locale"]');
    expect(JSON.stringify(audited.details)).not.toContain(smtpUser.password);

    // The kept password still signs in, and the mail is in Korean now.
    const before = smtp.received.length;
    const firing = await queueDelivery(id, "firing");
    await deliverDueNotifications();
    expect(await deliveryStatus(firing.id)).toMatchObject({ status: "delivered", lastError: null });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.user).toBe(smtpUser.user);
    expect(mail!.to).toEqual(["sre@example.test"]);
    expect(mail!.mail.subject).toBe(`[Walden] 발생 심각: prod ${alertInput.message}`);
    expect(mail!.mail.text).toContain("클러스터: prod");
    expect(mail!.mail.text).toContain("알림 페이지");
  });

  it("checks the result like a create: 422 naming the field; the kind stays; unknown is 404", async () => {
    const created = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: { kind: "webhook", name: `hook-edit-${run}`, url: "https://hooks.example.test/services/T0/B0/secret-token" },
    });
    const id = created.json.id as string;
    const badUrl = await patch(id, admin.token, { url: "ftp://example.test/x" });
    expect(badUrl.status).toBe(422);
    expect(badUrl.json.error.details.issues[0].path).toBe("url");
    const foreignField = await patch(id, admin.token, { host: "smtp.example.test" });
    expect(foreignField.status).toBe(422);
    const kind = await patch(id, admin.token, { kind: "email" });
    expect(kind.status).toBe(422);
    expect(kind.json.error.message).toMatch(/^kind: /);

    // A rename leaves the URL (and its token) as it was.
    const renamed = await patch(id, admin.token, { name: `hook-renamed-${run}`, url: "" });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ name: `hook-renamed-${run}`, settings: { kind: "webhook" } });
    expect(renamed.text).not.toContain("secret-token");
    const row = await db().notificationChannel.findUniqueOrThrow({ where: { id } });
    expect(readChannelTarget(row)).toEqual({
      kind: "webhook",
      url: "https://hooks.example.test/services/T0/B0/secret-token",
    });
    const audited = await db().auditEvent.findFirstOrThrow({
      where: { action: "notification_channel.update", targetId: id },
    });
    expect(JSON.stringify(audited.details)).not.toContain("secret-token");

    const missing = await patch("00000000-0000-4000-8000-000000000404", admin.token, { name: "x" });
    expect(missing.status).toBe(404);
    await db().notificationChannel.delete({ where: { id } });
  });
});

describe("a PagerDuty channel", () => {
  it("triggers an incident on firing and resolves it with the same dedup_key", async () => {
    const badKey = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: { kind: "pagerduty", name: `pd-bad-${run}`, routingKey: "short" },
    });
    expect(badKey.status).toBe(422);
    expect(badKey.json.error.details.issues[0].path).toBe("routingKey");

    const created = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
      token: admin.token,
      body: { kind: "pagerduty", name: `pd-${run}`, routingKey },
    });
    expect(created.status).toBe(201);
    expect(created.json.displayTarget).toBe("PagerDuty Events v2 (key …EY12)");
    expect(created.text).not.toContain(routingKey);
    const stored = await db().notificationChannel.findUniqueOrThrow({ where: { id: created.json.id } });
    expect(stored.secretEncrypted).not.toContain(routingKey);

    const firing = await queueDelivery(created.json.id, "firing");
    await deliverDueNotifications();
    expect(await deliveryStatus(firing.id)).toMatchObject({ status: "delivered", responseStatus: 202 });
    const resolved = await queueDelivery(created.json.id, "resolved");
    await deliverDueNotifications();
    expect(await deliveryStatus(resolved.id)).toMatchObject({ status: "delivered", responseStatus: 202 });

    expect(events.map((event) => [event.path, event.body.event_action])).toEqual([
      ["/v2/enqueue", "trigger"],
      ["/v2/enqueue", "resolve"],
    ]);
    const [trigger, resolve] = events.map((event) => event.body);
    expect(trigger).toMatchObject({
      routing_key: routingKey,
      dedup_key: `walden-alert-${alertInput.id}`,
      payload: {
        summary: `prod: ${alertInput.message}`,
        source: "prod",
        severity: "critical",
        component: "standby1",
        class: "replication_lag_bytes",
        timestamp: "2026-12-01T03:00:00.000Z",
      },
    });
    expect(resolve).toEqual({
      routing_key: routingKey,
      event_action: "resolve",
      dedup_key: `walden-alert-${alertInput.id}`,
    });
  });
});
