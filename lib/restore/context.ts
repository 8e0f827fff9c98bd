import type { Prisma } from "@/lib/generated/prisma/client";
import type { StepTracker } from "./steps";

// What a restore executor (pitr, logical, table) is handed by restore.run (lib/restore/run.ts):
// its steps, progress, the cancel check and a way to store what it learnt.

export class RestoreCancelled extends Error {
  override name = "RestoreCancelled";
}

export interface RestoreContext {
  steps: StepTracker;
  setProgress(percent: number, etaSeconds: number | null): void;
  checkCancelled(): Promise<void>;
  persist(data: Prisma.RestoreUncheckedUpdateInput): Promise<void>;
}
