import type { QueueHandler } from "@/lib/worker/handler";
import { alertEvaluate } from "./alert-evaluate";
import { archiveScan } from "./archive-scan";
import { archiveSweep } from "./archive-sweep";
import { backupCopy } from "./backup-copy";
import { backupReverify } from "./backup-reverify";
import { backupRun } from "./backup-run";
import { backupVerify } from "./backup-verify";
import { catalogPrune } from "./catalog-prune";
import { offsiteCopy } from "./offsite-copy";
import { offsiteShip } from "./offsite-ship";
import { replicationRollup } from "./replication-rollup";
import { reportMail } from "./report-mail";
import { reportPdf } from "./report-pdf";
import { reportSnapshot } from "./report-snapshot";
import { restoreEvents } from "./restore-events";
import { restorePlan } from "./restore-plan";
import { restoreRun } from "./restore-run";
import { restoreSweep } from "./restore-sweep";
import { retentionApply } from "./retention-apply";
import { retentionSweep } from "./retention-sweep";
import { sandboxFailover } from "./sandbox-failover";

// Every queue the worker serves, registered from this one list (main.ts). The schedules'
// own queues (backup.scheduled.<id>, one per schedule) are made and dropped as schedules change,
// by lib/schedules (schedule-queues.ts).
export const handlers: readonly QueueHandler[] = [
  sandboxFailover,
  backupRun,
  backupVerify,
  backupReverify,
  backupCopy,
  offsiteCopy,
  restoreRun,
  restorePlan,
  restoreEvents,
  restoreSweep,
  retentionApply,
  retentionSweep,
  archiveScan,
  offsiteShip,
  archiveSweep,
  reportSnapshot,
  reportPdf,
  reportMail,
  alertEvaluate,
  replicationRollup,
  catalogPrune,
];
