import fs from "node:fs/promises";
import os from "node:os";
import { chromium, type Browser } from "playwright-core";
import { z } from "zod";
import { audit } from "@/lib/auth/audit";
import { hashPassword } from "@/lib/auth/password";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { systemActor } from "@/lib/auth/system-actor";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";
import { env, programSearchPath, workerSetting } from "@/lib/env";
import { localeCookieName } from "@/lib/i18n/locales";
import { translatorFor } from "@/lib/i18n/translator";
import type { QueuePayload } from "@/lib/queue/queues";
import type { RenderedReportPdf } from "@/lib/schemas/report";
import { boundedRenderer } from "./render-limits";
import { chromiumMissingMessage } from "./respond";

// The monthly report as PDF: the worker opens the report page itself in headless Chromium and
// prints it, so the PDF is exactly what a person sees (issue 6: "no hand-drawn PDF").
// The web app never launches a browser; it asks the worker (report.pdf) and waits.

/** The page sets this on its root once every chart has drawn its svg. */
export const REPORT_READY_SELECTOR = '[data-report-ready="true"]';

/** The viewer account the renderer signs in as. Its password is random and never stored in clear. */
export const REPORT_RENDERER_EMAIL = "report-renderer@walden.local";

const SESSION_TTL_MS = 3 * 60 * 1000;
const NAVIGATION_TIMEOUT_MS = 60_000;
/** One rendering, start to PDF: past this the browser is closed and the question answered with an error. */
export const RENDER_TIME_LIMIT_MS = 120_000;
/** Chromium instances a worker runs at once; more reports wait their turn. */
export const MAX_CONCURRENT_RENDERS = 2;

/**
 * What Chromium is started with: a search path and a home, nothing of the worker's own
 * environment (DATABASE_URL, WALDEN_SECRET): a browser that renders a page has no use for them.
 */
export function rendererEnvironment(): Record<string, string> {
  return { PATH: programSearchPath(), HOME: os.tmpdir(), TMPDIR: os.tmpdir(), LC_ALL: "C.UTF-8" };
}

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// Validated here: only the worker needs them, and only to print reports.
const rendererEnvSchema = z.object({
  WALDEN_URL: z.url({ protocol: /^https?$/ }).optional(),
  WALDEN_CHROMIUM_PATH: z.string().min(1).default("/usr/bin/chromium"),
});

function rendererSettings(): { baseUrl: string; chromiumPath: string } {
  const parsed = rendererEnvSchema.safeParse({
    WALDEN_URL: workerSetting("WALDEN_URL"),
    WALDEN_CHROMIUM_PATH: workerSetting("WALDEN_CHROMIUM_PATH"),
  });
  if (!parsed.success) {
    throw new Error(
      `report renderer: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
    );
  }
  // The web app (npm start) listens on 127.0.0.1 by default; a separate web host is named by WALDEN_URL.
  const baseUrl = (parsed.data.WALDEN_URL ?? `http://127.0.0.1:${env().PORT}`).replace(/\/+$/, "");
  return { baseUrl, chromiumPath: parsed.data.WALDEN_CHROMIUM_PATH };
}

/** Chromium where the settings say, executable; else an error that says what to install. */
export async function assertChromiumInstalled(chromiumPath: string): Promise<void> {
  try {
    await fs.access(chromiumPath, fs.constants.X_OK);
  } catch {
    throw new Error(chromiumMissingMessage(chromiumPath));
  }
}

/** The report page for a month (and a cluster): what the browser opens and the PDF shows. */
export function reportPagePath(month: string, clusterId?: string | null): string {
  const query = clusterId ? `?clusterId=${encodeURIComponent(clusterId)}` : "";
  return `/reports/${month}${query}`;
}

/** The renderer's viewer account, created the first time a PDF is asked for. */
async function rendererUserId(): Promise<string> {
  const existing = await db().user.findUnique({ where: { email: REPORT_RENDERER_EMAIL } });
  if (existing) {
    if (existing.disabledAt)
      throw new Error(`${REPORT_RENDERER_EMAIL} is disabled: PDF reports cannot be made`);
    return existing.id;
  }
  try {
    const user = await db().user.create({
      data: {
        email: REPORT_RENDERER_EMAIL,
        name: "Report renderer (system)",
        role: "viewer",
        // Nobody signs in with it: the renderer gets a session directly.
        passwordHash: await hashPassword(randomToken()),
      },
    });
    await audit(systemActor("report renderer"), {
      action: "user.create",
      outcome: "success",
      target: { type: "user", id: user.id },
      details: { email: REPORT_RENDERER_EMAIL, role: "viewer", reason: "signs in to print monthly reports" },
    });
    return user.id;
  } catch (error) {
    // Two workers creating it at once: the other one won.
    const again = await db().user.findUnique({ where: { email: REPORT_RENDERER_EMAIL } });
    if (again) return again.id;
    throw error;
  }
}

/** A session of a few minutes for one rendering; deleted as soon as the PDF is made. */
async function shortSession(userId: string): Promise<{ value: string; expiresAt: Date }> {
  const value = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db().session.create({ data: { tokenHash: sha256Hex(value), userId, expiresAt } });
  return { value, expiresAt };
}

/**
 * Prints /reports/<month> (for one cluster or the fleet) to an A4 PDF with headless Chromium:
 * at most MAX_CONCURRENT_RENDERS at once, each within RENDER_TIME_LIMIT_MS.
 */
export const renderReportPdf = boundedRenderer(render, {
  concurrency: MAX_CONCURRENT_RENDERS,
  timeLimitMs: RENDER_TIME_LIMIT_MS,
});

async function render(
  { month, clusterId, locale = "en" }: QueuePayload<"report.pdf">,
  stop: AbortSignal,
): Promise<RenderedReportPdf> {
  const { baseUrl, chromiumPath } = rendererSettings();
  await assertChromiumInstalled(chromiumPath);
  const session = await shortSession(await rendererUserId());
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_FLAGS,
      env: rendererEnvironment(),
    });
    const launched = browser;
    // Past the time limit the browser goes, and every step waiting on it fails at once.
    stop.addEventListener("abort", () => void launched.close().catch(() => {}), { once: true });
    if (stop.aborted) throw new Error("the report's time ran out before the browser started");
    const context = await browser.newContext({
      // A4 less the margins (186 mm at 96 dpi), so the charts measure themselves for the paper.
      viewport: { width: 703, height: 1000 },
      deviceScaleFactor: 1,
    });
    await context.addCookies([
      {
        name: SESSION_COOKIE,
        value: session.value,
        url: baseUrl,
        expires: Math.floor(session.expiresAt.getTime() / 1000),
        httpOnly: true,
        secure: baseUrl.startsWith("https:"),
        sameSite: "Lax",
      },
      // The page (and so the PDF) is printed in the language asked for.
      { name: localeCookieName, value: locale, url: baseUrl, sameSite: "Lax" },
    ]);
    const page = await context.newPage();
    await page.emulateMedia({ media: "print" });
    const response = await page.goto(`${baseUrl}${reportPagePath(month, clusterId)}`, {
      waitUntil: "load",
      timeout: NAVIGATION_TIMEOUT_MS,
    });
    if (!response || !response.ok()) {
      throw new Error(`the report page answered ${response?.status() ?? "nothing"}`);
    }
    if (new URL(page.url()).pathname === "/login")
      throw new Error("the report page sent the renderer to /login");
    await page.waitForSelector(REPORT_READY_SELECTOR, { state: "attached", timeout: NAVIGATION_TIMEOUT_MS });
    const pdf = await page.pdf({
      format: "A4",
      printBackground: true,
      margin: { top: "12mm", bottom: "14mm", left: "12mm", right: "12mm" },
      displayHeaderFooter: true,
      headerTemplate: "<span></span>",
      footerTemplate: `<div style="width:100%;font-size:8px;color:#71717a;padding:0 12mm;display:flex;justify-content:space-between"><span>${translatorFor(locale)("email.report.pdfFooter", { month })}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`,
    });
    return { pdf: pdf.toString("base64"), bytes: pdf.length };
  } finally {
    await browser?.close().catch(() => {});
    await db()
      .session.deleteMany({ where: { tokenHash: sha256Hex(session.value) } })
      .catch(() => {});
  }
}

// Worker: report.pdf is a question the web app asks and waits for (askWorker), so it is polled often.
