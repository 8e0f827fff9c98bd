import { getReportMailSettings, setReportMailSettings } from "@/lib/reports/mail-settings";
import { readJson, withRoute } from "@/lib/route";
import { reportMailSettingsInputSchema } from "@/lib/schemas/notification-channels";

export const dynamic = "force-dynamic";

// GET /api/v1/reports/mail-settings — who gets the monthly report by e-mail, and through which channel (admin)
export const GET = withRoute({ role: "admin", action: "report_mail.settings.read" }, () =>
  getReportMailSettings(),
);

// PUT /api/v1/reports/mail-settings — set the report's recipients and the e-mail channel that sends it (admin)
export const PUT = withRoute(
  { role: "admin", action: "report_mail.settings" },
  async ({ req, actor, meta }) =>
    setReportMailSettings(actor, reportMailSettingsInputSchema.parse(await readJson(req)), meta),
);
