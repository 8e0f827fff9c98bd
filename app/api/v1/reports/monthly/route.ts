import { monthlyReportResponse } from "@/lib/reports/respond";
import { withRoute } from "@/lib/route";
import { reportQuerySchema } from "@/lib/schemas/alerts";

export const dynamic = "force-dynamic";

// GET /api/v1/reports/monthly?month=YYYY-MM&clusterId&format=json|csv|pdf — the monthly report (viewer)
export const GET = withRoute({ role: "viewer", action: "report.read" }, ({ req }) =>
  monthlyReportResponse(reportQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams))),
);
