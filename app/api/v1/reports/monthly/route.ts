import { localeCookieName, pickLocale } from "@/lib/i18n/locales";
import { monthlyReportResponse } from "@/lib/reports/respond";
import { withRoute } from "@/lib/route";
import { reportQuerySchema } from "@/lib/schemas/alerts";

export const dynamic = "force-dynamic";

// GET /api/v1/reports/monthly?month=YYYY-MM&clusterId&format=json|csv|pdf — the monthly report (viewer);
// the PDF in the caller's language (the walden_locale cookie, else Accept-Language)
export const GET = withRoute({ role: "viewer", action: "report.read" }, ({ req }) =>
  monthlyReportResponse(
    reportQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams)),
    new Date(),
    pickLocale(req.cookies.get(localeCookieName)?.value, req.headers.get("accept-language")),
  ),
);
