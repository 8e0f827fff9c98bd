import { renderReportPdf } from "@/lib/reports/pdf";
import { defineHandler } from "@/lib/worker/handler";

// report.pdf — the web app's question: the report page printed by headless Chromium
export const reportPdf = defineHandler({
  queue: "report.pdf",
  work: { pollingIntervalSeconds: 0.5 },
  handle: async (payload) => renderReportPdf(payload),
});
