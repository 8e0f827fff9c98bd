import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
import type { Locale } from "@/lib/i18n/locales";
import { askWorker } from "@/lib/queue/ask";
import type { reportQuerySchema } from "@/lib/schemas/alerts";
import type { z } from "zod";
import { monthlyCsv, reportFileName } from "./csv";
import { getMonthlyReport, reportRangeOrThrow } from "./monthly";

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

/** `locale`: the PDF's language, the caller's (the console's cookie, else Accept-Language). */
export async function monthlyReportResponse(
  query: ReportQuery,
  now = new Date(),
  locale: Locale = "en",
): Promise<Response> {
  reportRangeOrThrow(query.month, now);
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

  return Response.json(await getMonthlyReport(scope, now), { headers: { "cache-control": "no-store" } });
}
