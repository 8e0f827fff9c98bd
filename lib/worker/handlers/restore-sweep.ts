import { startDueDrills } from "@/lib/restore/drills";
import { reapStaleRestores, tearDownExpired } from "@/lib/restore/run";
import { defineHandler } from "@/lib/worker/handler";

// restore.sweep — every minute: restores whose worker stopped, instances past their time, due drills
export const restoreSweep = defineHandler({
  queue: "restore.sweep",
  schedule: "* * * * *",
  async handle(_payload, { log, mayReap }) {
    for (const id of mayReap() ? await reapStaleRestores() : [])
      log(`restore ${id}: failed, its worker stopped; instance removed`);
    for (const id of await tearDownExpired()) log(`restore ${id}: restored instance torn down`);
    await startDueDrills(new Date(), log);
  },
});
