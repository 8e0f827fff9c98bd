import { requestReportMail } from "@/lib/reports/mail-settings";
import { json, readJson, withRoute } from "@/lib/route";
import { reportMailSendSchema } from "@/lib/schemas/notification-channels";

export const dynamic = "force-dynamic";

// POST /api/v1/reports/mail — mail a finished month's report now (default: last month); the worker sends it (admin)
export const POST = withRoute({ role: "admin", action: "report_mail.send" }, async ({ req, actor, meta }) =>
  json(await requestReportMail(actor, reportMailSendSchema.parse(await readJson(req)), meta), 202),
);
