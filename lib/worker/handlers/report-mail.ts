import { sendReportMailing, sendScheduledReportMail } from "@/lib/reports/mail";
import { defineHandler } from "@/lib/worker/handler";

// report.mail — on the 1st (after report.snapshot has stored the month), last month's report
// mailed as PDF to the listed recipients, once; with a mailing id, an admin's "send now".
export const reportMail = defineHandler({
  queue: "report.mail",
  schedule: "0 6 1 * *",
  async handle({ mailingId }, { log }) {
    if (mailingId) {
      log(`report.mail ${mailingId}: ${await sendReportMailing(mailingId)}`);
      return;
    }
    const { month, outcome } = await sendScheduledReportMail();
    log(`report.mail ${month}: ${outcome}`);
    // pg-boss retries the job (queues.ts), and the retry claims the failed month again.
    if (outcome === "failed")
      throw new Error(`the report of ${month} could not be mailed (see report_mailings)`);
  },
});
