import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";
import { pdfText } from "./pdf-text";
import { readSandboxJson } from "./sandbox";

// A manager (a viewer) opens the monthly report, sees its charts, and files it as PDF and CSV.
// The PDF is printed by the worker's headless Chromium from the same page (issue 6).

function currentMonth(): string {
  const now = new Date();
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
}

test.describe("monthly report", () => {
  test("a viewer opens this month's report and the charts render", async ({ page }) => {
    const demo = readSandboxJson().clusters[0]!;
    const month = currentMonth();
    await signIn(page, "viewer");

    await page.goto("/reports");
    await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
    await expect(page.getByLabel("Month", { exact: true })).toHaveValue(month);
    await page.getByRole("button", { name: "Open report" }).click();
    await expect(page).toHaveURL(new RegExp(`/reports/${month}$`));

    await expect(page.getByRole("heading", { name: /^Monthly backup report: /, level: 1 })).toBeVisible();
    await expect(page.getByTestId("report-scope")).toHaveText("Fleet (all clusters)");
    await expect(
      page.getByRole("heading", {
        name: new RegExp(`^${demo.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`),
        level: 2,
      }),
    ).toBeVisible();
    // Every chart box holds a drawn recharts svg with bars' axes, and the page says it is ready to print.
    await expect(page.locator('#monthly-report[data-report-ready="true"]')).toBeAttached();
    const charts = page.locator("[data-report-chart]");
    expect(await charts.count()).toBeGreaterThanOrEqual(3);
    for (const chart of await charts.all()) {
      await expect(chart.locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible();
      await expect(chart.locator(".recharts-cartesian-axis-tick").first()).toBeAttached();
    }

    // One cluster: the selector opens its report, and the download links carry its id.
    await page.getByRole("combobox", { name: "Scope" }).selectOption({ label: demo.name });
    await expect(page).toHaveURL(new RegExp(`/reports/${month}\\?clusterId=${demo.id}$`));
    await expect(page.getByTestId("report-scope")).toHaveText(demo.name);
    await expect(page.locator('#monthly-report[data-report-ready="true"]')).toBeAttached();
    await expect(
      page.locator("[data-report-chart] .recharts-wrapper > svg.recharts-surface").first(),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: "Download PDF" })).toHaveAttribute(
      "href",
      `/api/v1/reports/monthly?month=${month}&format=pdf&clusterId=${demo.id}`,
    );
    await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
      "href",
      `/api/v1/reports/monthly?month=${month}&format=csv&clusterId=${demo.id}`,
    );
  });

  test("the report answers as a real PDF that names the cluster, and as CSV with a header row", async ({
    request,
  }) => {
    test.setTimeout(150_000);
    const sandbox = readSandboxJson();
    const demo = sandbox.clusters[0]!;
    const month = currentMonth();
    const headers = { authorization: `Bearer ${sandbox.tokens.viewer}` };

    const pdf = await request.get(`/api/v1/reports/monthly?month=${month}&clusterId=${demo.id}&format=pdf`, {
      headers,
      timeout: 120_000,
    });
    expect(pdf.status(), await pdf.text().catch(() => "")).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    const body = await pdf.body();
    expect(body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(body.length).toBeGreaterThan(5 * 1024);
    expect(body.subarray(-1024).toString("latin1")).toContain("%%EOF");
    // The text is in compressed content streams as glyph ids: decoded through the fonts' ToUnicode maps.
    const text = pdfText(body);
    expect(text).toContain("Monthly backup report");
    expect(text).toContain(demo.name);

    const csv = await request.get(`/api/v1/reports/monthly?month=${month}&clusterId=${demo.id}&format=csv`, {
      headers,
    });
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toMatch(/^text\/csv/);
    const [header] = (await csv.text()).split("\n");
    expect(header?.split(",").slice(0, 5)).toEqual(["cluster", "cluster_id", "backup_id", "kind", "status"]);
  });

  test("the PDF follows the caller's language: Korean headings for Accept-Language ko", async ({
    request,
  }) => {
    test.setTimeout(150_000);
    const sandbox = readSandboxJson();
    const demo = sandbox.clusters[0]!;
    const month = currentMonth();
    const pdf = await request.get(`/api/v1/reports/monthly?month=${month}&clusterId=${demo.id}&format=pdf`, {
      headers: {
        authorization: `Bearer ${sandbox.tokens.viewer}`,
        "accept-language": "ko-KR,ko;q=0.9,en;q=0.5",
      },
      timeout: 120_000,
    });
    expect(pdf.status(), await pdf.text().catch(() => "")).toBe(200);
    expect(pdf.headers()["content-language"]).toBe("ko");
    // Chromium prints Korean word by word: the extracted runs are compared without white space.
    const text = pdfText(await pdf.body()).replace(/\s+/g, "");
    // The running title (page footer), the summary's first card heading and a figures heading.
    expect(text).toContain("월간백업보고서");
    expect(text).toContain("백업성공률");
    expect(text).toContain("월말복원가능구간");
    expect(text).not.toContain("Backupsuccessrate");
    expect(text).toContain(demo.name);
  });
});
