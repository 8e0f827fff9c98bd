import { listReportMailings } from "@/lib/reports/mail-settings";
import { withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

// GET /api/v1/reports/mailings — the report's recent mailings with their status and error (admin)
export const GET = withRoute({ role: "admin", action: "report_mail.list" }, () => listReportMailings());
