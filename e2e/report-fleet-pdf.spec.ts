import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, request as playwrightRequest, test } from "@playwright/test";
import pg from "pg";
import { pdfText } from "./pdf-text";
import { e2eHome, readSandboxJson } from "./sandbox";

// The monthly report of a fleet of 100 clusters prints as a few pages (issue 16), counted in the
// real PDF the worker's Chromium prints. The fleet is a finished month's stored snapshot
// (report_snapshots, which the report is served from once its month is over) of 100 copies of the
// demo cluster's own report section under other names, for a month long past: what the page
// and the printer make of 100 clusters is real, only the catalog rows behind them are not there.

const MONTH = "2001-01";
const CLUSTERS = 100;
/** The summary, the charts and the dozen clusters that get a page of their own, with room to spare. */
const MAX_PAGES = 20;

async function catalog(): Promise<pg.Client> {
  const sandbox = readSandboxJson();
  const { catalogPassword } = JSON.parse(fs.readFileSync(path.join(e2eHome, "credentials.json"), "utf8")) as {
    catalogPassword: string;
  };
  const client = new pg.Client({ ...sandbox.catalog, password: catalogPassword });
  await client.connect();
  return client;
}

/** Page objects of a PDF as Chromium (Skia) writes it: no object streams, one `/Type /Page` each. */
function pageCount(pdf: Buffer): number {
  return (pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length;
}

test("the monthly report PDF of a fleet of 100 clusters is a few pages", async () => {
  test.setTimeout(240_000);
  const sandbox = readSandboxJson();
  const viewer = await playwrightRequest.newContext({
    baseURL: sandbox.url,
    extraHTTPHeaders: { authorization: `Bearer ${sandbox.tokens.viewer}` },
  });
  const client = await catalog();
  try {
    const now = new Date();
    const thisMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
    const current = await viewer.get(`/api/v1/reports/monthly?month=${thisMonth}&format=json`);
    expect(current.status(), await current.text()).toBe(200);
    const report = (await current.json()) as {
      clusters: Record<string, unknown>[];
      fleet: Record<string, unknown>;
    };
    const template = report.clusters[0]!;
    const clusters = Array.from({ length: CLUSTERS }, (_, index) => ({
      ...template,
      clusterId: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
      name: `fleet-${String(index).padStart(3, "0")}`,
    }));
    const body = {
      month: MONTH,
      generatedAt: `${MONTH}-31T23:59:59.000Z`,
      scope: { clusterId: null },
      clusters,
      fleet: { ...report.fleet, clusters: CLUSTERS },
    };
    const json = JSON.stringify(body);
    await client.query("delete from report_snapshots where month = $1", [MONTH]);
    await client.query(
      "insert into report_snapshots (month, cluster_id, report, sha256) values ($1, null, $2::jsonb, $3)",
      [MONTH, json, crypto.createHash("sha256").update(json).digest("hex")],
    );

    // The stored fleet is what the API serves for that month.
    const stored = await viewer.get(`/api/v1/reports/monthly?month=${MONTH}&format=json`);
    expect(stored.status(), await stored.text()).toBe(200);
    expect(((await stored.json()) as { clusters: unknown[] }).clusters).toHaveLength(CLUSTERS);

    const response = await viewer.get(`/api/v1/reports/monthly?month=${MONTH}&format=pdf`, {
      timeout: 180_000,
    });
    expect(response.status(), response.status() === 200 ? "" : await response.text()).toBe(200);
    expect(response.headers()["content-type"]).toContain("application/pdf");
    const pdf = await response.body();
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const pages = pageCount(pdf);
    console.log(`fleet of ${CLUSTERS}: ${pages} pages, ${pdf.length} bytes`);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(MAX_PAGES);
    // This fleet's report, a section for the dozen that need attention most and no more.
    // (NFKC: Chromium prints "fl" as a ligature.)
    const text = pdfText(pdf).normalize("NFKC");
    expect(text).toContain("fleet-000");
    expect(text).toContain(`12 of ${CLUSTERS} clusters`);
    expect(text.split("RECOVERY POINT (RPO)").length - 1).toBe(12);
  } finally {
    await client.query("delete from report_snapshots where month = $1", [MONTH]).catch(() => {});
    await client.end();
    await viewer.dispose();
  }
});
