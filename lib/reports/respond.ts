import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
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

export async function monthlyReportResponse(query: ReportQuery, now = new Date()): Promise<Response> {
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
    const out = await askWorker(
      "report.pdf",
      query.clusterId ? { month: query.month, clusterId: query.clusterId } : { month: query.month },
      PDF_TIMEOUT_MS,
    );
    if (typeof out.pdf !== "string" || out.pdf.length === 0)
      throw new AppError("internal_server_error", "The worker returned no PDF");
    const bytes = Buffer.from(out.pdf, "base64");
    return new Response(new Uint8Array(bytes), {
      headers: {
        "content-type": "application/pdf",
        "content-length": String(bytes.length),
        "content-disposition": `attachment; filename="${reportFileName(query.month, cluster?.name, "pdf")}"`,
        "cache-control": "no-store",
      },
    });
  }

  return Response.json(await getMonthlyReport(scope, now), { headers: { "cache-control": "no-store" } });
}
