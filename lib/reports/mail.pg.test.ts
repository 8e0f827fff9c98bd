import http from "node:http";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as channelsRoute from "@/app/api/v1/notification-channels/route";
import * as mailRoute from "@/app/api/v1/reports/mail/route";
import * as mailSettingsRoute from "@/app/api/v1/reports/mail-settings/route";
import * as mailingsRoute from "@/app/api/v1/reports/mailings/route";
import * as monthlyRoute from "@/app/api/v1/reports/monthly/route";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import { createBoss, ensureQueues } from "@/lib/queue/boss";
import { parsePayload } from "@/lib/queue/queues";
import type { WorkerContext } from "@/lib/worker/handler";
import { reportMail } from "@/lib/worker/handlers/report-mail";
import { reportPdf } from "@/lib/worker/handlers/report-pdf";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { emailChannelBody, startSmtpServer, type TestSmtpServer } from "@/test/smtp-server";
import { monthOf, previousMonth } from "./months";

// The monthly report mailed as a PDF (issue 16): an admin lists the recipients and picks the
// e-mail channel that sends it; "send now" and the 1st's run (report.mail, called as the worker
// calls it) print the report with the real renderer (headless Chromium) and a real SMTP server
// on 127.0.0.1 receives it. The renderer opens the report page of a small HTTP server standing
// in for the web app, which only answers a signed-in browser. Without Chromium the PDF is a 503
// that says what to install.

const SMTP_PORT = 28204;
const WEB_PORT = 28205;
const credentials = { user: "report-mailer", password: "report-mail-password" };
const lastMonth = previousMonth(monthOf(new Date()));
const run = Date.now().toString(36);

let smtp: TestSmtpServer;
let web: http.Server;
const pagesServed: { path: string; signedIn: boolean }[] = [];
/** The walden_locale cookie the renderer's browser sent with each page (null: none). */
const localesServed: (string | null)[] = [];
let boss: PgBoss;
let admin: TestUser;
let viewer: TestUser;
let channelId: string;
let webhookChannelId: string;
const logLines: string[] = [];

function workerContext(): WorkerContext {
  return { boss, workerId: "report-mail-test", log: (line) => logLines.push(line), mayReap: () => false };
}

async function createChannel(body: Record<string, unknown>): Promise<string> {
  const created = await call(channelsRoute.POST, "POST", "/api/v1/notification-channels", {
    token: admin.token,
    body,
  });
  expect(created.status).toBe(201);
  return created.json.id as string;
}

function smtpChannel(name: string, password = credentials.password) {
  return emailChannelBody(smtp, { ...credentials, password }, { name, from: "reports@example.test" });
}

async function putSettings(token: string, body: unknown) {
  return call(mailSettingsRoute.PUT, "PUT", "/api/v1/reports/mail-settings", { token, body });
}

beforeAll(async () => {
  smtp = await startSmtpServer(SMTP_PORT, credentials);
  web = http.createServer((req, res) => {
    const signedIn = (req.headers.cookie ?? "").includes(`${SESSION_COOKIE}=`);
    pagesServed.push({ path: req.url ?? "", signedIn });
    localesServed.push(/(?:^|;\s*)walden_locale=(\w+)/.exec(req.headers.cookie ?? "")?.[1] ?? null);
    if (!signedIn) return void res.writeHead(302, { location: "/login" }).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><html><body><main id="monthly-report" data-report-ready="true"><h1>Monthly backup report: ${req.url}</h1></main></body></html>`,
    );
  });
  await new Promise<void>((resolve) => web.listen(WEB_PORT, "127.0.0.1", resolve));
  process.env.WALDEN_URL = `http://127.0.0.1:${WEB_PORT}`;
  boss = createBoss(inject("databaseUrl"), { supervise: false, schedule: false });
  await boss.start();
  await ensureQueues(boss);
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  channelId = await createChannel(smtpChannel(`report-mail-${run}`));
  webhookChannelId = await createChannel({
    kind: "webhook",
    name: `report-hook-${run}`,
    url: "http://127.0.0.1:9/",
  });
  // A catalog kept from an earlier run may hold last month's scheduled mailing already.
  await db().reportMailing.deleteMany({ where: { month: lastMonth, trigger: "scheduled" } });
});

afterAll(async () => {
  delete process.env.WALDEN_URL;
  await db().reportMailSettings.deleteMany({});
  await db().notificationChannel.deleteMany({ where: { name: { endsWith: run } } });
  await boss?.stop({ graceful: false });
  await smtp?.close();
  await new Promise((resolve) => web?.close(resolve));
});

describe("the report's recipients", () => {
  it("are an admin's to read and set; a channel that is not e-mail or no recipient is a 422 naming the field", async () => {
    const viewerRead = await call(mailSettingsRoute.GET, "GET", "/api/v1/reports/mail-settings", {
      token: viewer.token,
    });
    expect(viewerRead.status).toBe(403);
    expect((await putSettings(viewer.token, { channelId, recipients: ["cto@example.test"] })).status).toBe(
      403,
    );

    const webhook = await putSettings(admin.token, {
      channelId: webhookChannelId,
      recipients: ["cto@example.test"],
    });
    expect(webhook.status).toBe(422);
    expect(webhook.json.error.details.issues[0].path).toBe("channelId");
    const nobody = await putSettings(admin.token, { channelId, recipients: [] });
    expect(nobody.status).toBe(422);
    expect(nobody.json.error.details.issues).toEqual([
      { path: "recipients", message: "name at least one address" },
    ]);
    const badAddress = await putSettings(admin.token, { channelId, recipients: ["cto at example"] });
    expect(badAddress.status).toBe(422);
    expect(badAddress.json.error.details.issues[0].path).toBe("recipients.0");

    const saved = await putSettings(admin.token, {
      channelId,
      recipients: ["CTO@example.test", "auditor@example.test", "cto@example.test"],
    });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({
      enabled: true,
      channelId,
      recipients: ["cto@example.test", "auditor@example.test"],
    });
    const read = await call(mailSettingsRoute.GET, "GET", "/api/v1/reports/mail-settings", {
      token: admin.token,
    });
    expect(read.json).toEqual(saved.json);
    const audited = await db().auditEvent.findFirst({
      where: { action: "report_mail.settings", actorId: admin.id },
      orderBy: { id: "desc" },
    });
    expect(audited?.details).toMatchObject({ recipients: ["cto@example.test", "auditor@example.test"] });
  });
});

describe("send now", () => {
  it("mails last month's report as a PDF attachment to the recipients, once", async () => {
    const unfinished = await call(mailRoute.POST, "POST", "/api/v1/reports/mail", {
      token: admin.token,
      body: { month: monthOf(new Date()) },
    });
    expect(unfinished.status).toBe(422);
    expect(unfinished.json.error.details.issues[0].path).toBe("month");
    const denied = await call(mailRoute.POST, "POST", "/api/v1/reports/mail", {
      token: viewer.token,
      body: {},
    });
    expect(denied.status).toBe(403);

    const queued = await call(mailRoute.POST, "POST", "/api/v1/reports/mail", {
      token: admin.token,
      body: {},
    });
    expect(queued.status).toBe(202);
    expect(queued.json).toMatchObject({ month: lastMonth, trigger: "manual", status: "queued" });
    const jobs = await boss.fetch<{ mailingId?: string }>("report.mail", { batchSize: 10 });
    expect(jobs?.map((job) => job.data.mailingId)).toContain(queued.json.id);

    const before = smtp.received.length;
    await reportMail.handle(parsePayload("report.mail", { mailingId: queued.json.id }), workerContext());
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.to).toEqual(["cto@example.test", "auditor@example.test"]);
    expect(mail!.from).toBe("reports@example.test");
    expect(mail!.user).toBe(credentials.user);
    expect(mail!.mail.subject).toBe(`Walden monthly backup report ${lastMonth}`);
    expect(mail!.mail.text).toContain(
      `Walden monthly backup report for ${lastMonth} (all clusters), attached as PDF.`,
    );
    expect(mail!.mail.attachments).toHaveLength(1);
    const [pdf] = mail!.mail.attachments;
    expect(pdf!.filename).toBe(`walden-report-${lastMonth}.pdf`);
    expect(pdf!.contentType).toBe("application/pdf");
    expect(pdf!.content.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pagesServed).toContainEqual({ path: `/reports/${lastMonth}`, signedIn: true });

    const mailings = await call(mailingsRoute.GET, "GET", "/api/v1/reports/mailings", { token: admin.token });
    expect(mailings.json.find((row: { id: string }) => row.id === queued.json.id)).toMatchObject({
      status: "sent",
      error: null,
      pdfBytes: pdf!.content.length,
    });
    const delivered = await db().auditEvent.findFirst({
      where: { action: "report_mail.deliver", targetId: queued.json.id },
    });
    expect(delivered).toMatchObject({ outcome: "success" });

    // The same job delivered again sends nothing.
    await reportMail.handle(parsePayload("report.mail", { mailingId: queued.json.id }), workerContext());
    expect(logLines.at(-1)).toBe(`report.mail ${queued.json.id}: skipped`);
    expect(smtp.received.length).toBe(before + 1);
  });
});

describe("in Korean", () => {
  it("mails the report with a Korean subject and body and prints the page in Korean", async () => {
    const badLocale = await putSettings(admin.token, {
      channelId,
      recipients: ["cto@example.test"],
      locale: "fr",
    });
    expect(badLocale.status).toBe(422);
    expect(badLocale.json.error.details.issues[0].path).toBe("locale");
    const saved = await putSettings(admin.token, {
      channelId,
      recipients: ["cto@example.test", "auditor@example.test"],
      locale: "ko",
    });
    expect(saved.status).toBe(200);
    expect(saved.json.locale).toBe("ko");

    const queued = await call(mailRoute.POST, "POST", "/api/v1/reports/mail", {
      token: admin.token,
      body: {},
    });
    expect(queued.status).toBe(202);
    const before = smtp.received.length;
    const pagesBefore = localesServed.length;
    await reportMail.handle(parsePayload("report.mail", { mailingId: queued.json.id }), workerContext());
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.mail.subject).toBe(`Walden 월간 백업 보고서 ${lastMonth}`);
    expect(mail!.mail.text).toContain(`${lastMonth} Walden 월간 백업 보고서(전체 클러스터)를 PDF로 첨부합니다.`);
    expect(mail!.mail.text).toContain("RPO 목표 달성");
    expect(mail!.mail.attachments[0]!.content.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    // The renderer's browser asked for the page in Korean.
    expect(localesServed.slice(pagesBefore)).toContain("ko");
    await putSettings(admin.token, { channelId, recipients: ["cto@example.test"], locale: "en" });
  });
});

describe("the 1st's run", () => {
  it("mails last month once; a failed attempt is retried and then sent", async () => {
    const wrongPassword = await createChannel(smtpChannel(`report-wrong-${run}`, "not-the-password"));
    await putSettings(admin.token, { channelId: wrongPassword, recipients: ["cto@example.test"] });
    const before = smtp.received.length;
    await expect(reportMail.handle(parsePayload("report.mail", {}), workerContext())).rejects.toThrow(
      `the report of ${lastMonth} could not be mailed`,
    );
    const failed = await db().reportMailing.findFirstOrThrow({
      where: { month: lastMonth, trigger: "scheduled" },
    });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/^the SMTP server refused the user or password/);

    // pg-boss retries the job: with the settings fixed, the month is claimed again and sent.
    await putSettings(admin.token, { channelId, recipients: ["cto@example.test"] });
    await reportMail.handle(parsePayload("report.mail", {}), workerContext());
    expect(logLines.at(-1)).toBe(`report.mail ${lastMonth}: sent`);
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail!.to).toEqual(["cto@example.test"]);
    expect(mail!.mail.attachments[0]!.content.subarray(0, 5).toString("latin1")).toBe("%PDF-");

    await reportMail.handle(parsePayload("report.mail", {}), workerContext());
    expect(logLines.at(-1)).toBe(`report.mail ${lastMonth}: already mailed`);
    expect(smtp.received.length).toBe(before + 1);
    expect(await db().reportMailing.count({ where: { month: lastMonth, trigger: "scheduled" } })).toBe(1);
  });
});

describe("the PDF without Chromium", () => {
  it("is a 503 that says what to install", async () => {
    process.env.WALDEN_CHROMIUM_PATH = "/nonexistent/chromium";
    const worker = await boss.work("report.pdf", { pollingIntervalSeconds: 0.5 }, async ([job]) =>
      reportPdf.handle(parsePayload("report.pdf", job!.data), workerContext()),
    );
    try {
      const answer = await call(
        monthlyRoute.GET,
        "GET",
        `/api/v1/reports/monthly?month=${lastMonth}&format=pdf`,
        { token: viewer.token },
      );
      expect(answer.status).toBe(503);
      expect(answer.json.error.code).toBe("upstream_unavailable");
      expect(answer.json.error.message).toMatch(/^Chromium is not installed at \/nonexistent\/chromium/);
      expect(answer.json.error.message).toContain("sudo apt-get install chromium");
      expect(answer.json.error.message).toContain("WALDEN_CHROMIUM_PATH");
    } finally {
      delete process.env.WALDEN_CHROMIUM_PATH;
      await boss.offWork(worker);
    }
  });
});
