import { snapshotMonth } from "@/lib/reports/monthly";
import { defineHandler } from "@/lib/worker/handler";

// report.snapshot — on the 1st, a finished month's reports are stored with their sha256, so the
// evidence cannot drift; without a month, the previous one.
export const reportSnapshot = defineHandler({
  queue: "report.snapshot",
  schedule: "0 2 1 * *",
  async handle({ month }, { log }) {
    const previous = new Date();
    previous.setUTCDate(0);
    const target = month ?? previous.toISOString().slice(0, 7);
    const outcomes = await snapshotMonth(target);
    log(`report.snapshot ${target}: ${outcomes.length} reports stored or already kept`);
  },
});
