import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
import type { Locale } from "@/lib/i18n/locales";
import { askWorker } from "@/lib/queue/ask";
import type { reportQuerySchema } from "@/lib/schemas/alerts";
import { recentJson } from "@/lib/web/shared-read";
import type { z } from "zod";
import { monthlyCsv, reportFileName } from "./csv";
import { getMonthlyReport, isFinished, reportRangeOrThrow, type ReportScope } from "./monthly";
import type { MonthRange } from "./report-inputs";

// The monthly report in the format asked for: JSON (the report object), CSV (its underlying
// backup rows) or PDF (the report page printed by headless Chromium in the worker).

export type ReportQuery = z.infer<typeof reportQuerySchema>;

/** The worker's report.pdf is given this long: Chromium starts, renders the page and prints it. */
const PDF_TIMEOUT_MS = 90_000;

/** How the worker's renderer begins its error when there is no Chromium to print with. */
export const CHROMIUM_MISSING = "Chromium is not installed";

/** The renderer's error without Chromium: what is missing and what to install (the API answers it as a 503). */
export function chromiumMissingMessage(chromiumPath: string): string {
  return `${CHROMIUM_MISSING} at ${chromiumPath} on the worker's host, and PDF reports are printed by headless Chromium: install it (Debian: sudo apt-get install chromium) or set WALDEN_CHROMIUM_PATH to its binary, then ask again. JSON and CSV work without it.`;
}

/** The report printed by the worker; no Chromium there is a 503 that says what to install, not a 500. */
async function askForPdf(month: string, clusterId: string | undefined, locale: Locale) {
  try {
    return await askWorker(
      "report.pdf",
      clusterId ? { month, clusterId, locale } : { month, locale },
      PDF_TIMEOUT_MS,
    );
  } catch (error) {
    if (error instanceof AppError && error.message.includes(CHROMIUM_MISSING))
      throw new AppError(
        "upstream_unavailable",
        error.message.slice(error.message.indexOf(CHROMIUM_MISSING)),
      );
    throw error;
  }
}

/**
 * How long a report's JSON is reused by identical requests (the fleet overview's polling
 * interval). The current month's figures move only as rows are written (a backup, a
 * verification, a drill, an alert, the worker's lag rollups and archive scans) and each request
 * recomputed them from about a dozen catalog queries; a finished month is stored evidence that
 * never changes. `generatedAt` says when the answer was computed.
 */
export const REPORT_MAX_AGE_MS = 5_000;

/** The report as JSON: at most REPORT_MAX_AGE_MS old, and never the current month's past its end. */
async function recentReport(scope: ReportScope, range: MonthRange, now: Date): Promise<Response> {
  const maxAgeMs = isFinished(range, now)
    ? REPORT_MAX_AGE_MS
    : Math.min(REPORT_MAX_AGE_MS, range.end.getTime() - now.getTime());
  const key = `report:${scope.month}:${scope.clusterId ?? "fleet"}`;
  const response = await recentJson(key, maxAgeMs, () => getMonthlyReport(scope, now), now.getTime());
  response.headers.set("cache-control", "no-store");
  return response;
}

/** `locale`: the PDF's language, the caller's (the console's cookie, else Accept-Language). */
export async function monthlyReportResponse(
  query: ReportQuery,
  now = new Date(),
  locale: Locale = "en",
): Promise<Response> {
  const range = reportRangeOrThrow(query.month, now);
  const cluster = query.clusterId ? await getClusterRowOrThrow(query.clusterId) : null;
  const scope = { month: query.month, clusterId: query.clusterId ?? null };

  if (query.format === "csv") {
    const body = await monthlyCsv(scope, now);
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${reportFileName(query.month, cluster?.name, "csv")}"`,
        "cache-control": "no-store",
      },
    });
  }

  if (query.format === "pdf") {
    const out = await askForPdf(query.month, query.clusterId, locale);
    if (typeof out.pdf !== "string" || out.pdf.length === 0)
      throw new AppError("internal_server_error", "The worker returned no PDF");
    const bytes = Buffer.from(out.pdf, "base64");
    return new Response(new Uint8Array(bytes), {
      headers: {
        "content-type": "application/pdf",
        "content-language": locale,
        "content-length": String(bytes.length),
        "content-disposition": `attachment; filename="${reportFileName(query.month, cluster?.name, "pdf")}"`,
        "cache-control": "no-store",
      },
    });
  }

  return recentReport(scope, range, now);
}
