import type { RestoreStep, StepStatus } from "@/lib/schemas/restore-view";

// The ordered steps of a restore, each with its status, times and a short log, as the API
// returns them (design.md: steps:[{name,status,startedAt,finishedAt,log}]; the shape is a wire
// type in lib/schemas/restore-view.ts).

export type { RestoreStep, StepStatus };

const LOG_LINES_PER_STEP = 60;

export class StepTracker {
  readonly steps: RestoreStep[];
  private current: RestoreStep | null = null;
  /** The step begun last: where a line logged between steps belongs. */
  private last: RestoreStep | null = null;

  /** `onChange` runs when a step begins or ends, so readers see each step as it happens. */
  constructor(
    names: readonly string[],
    private readonly onChange: () => void = () => {},
  ) {
    this.steps = names.map((name) => ({
      name,
      status: "pending",
      startedAt: null,
      finishedAt: null,
      log: [],
    }));
  }

  begin(name: string): void {
    const step = this.steps.find((s) => s.name === name);
    if (!step) throw new Error(`unknown step ${name}`);
    this.current = step;
    this.last = step;
    step.status = "running";
    step.startedAt = new Date().toISOString();
    this.onChange();
  }

  log(line: string): void {
    const step = this.current ?? this.last ?? this.steps[0]!;
    step.log.push(line);
    if (step.log.length > LOG_LINES_PER_STEP) step.log.splice(1, 1);
  }

  end(status: StepStatus = "succeeded"): void {
    if (!this.current) return;
    this.current.status = status;
    this.current.finishedAt = new Date().toISOString();
    this.current = null;
    this.onChange();
  }

  /** Ends the running step with `status` and marks every step not begun as skipped. */
  finish(status: "failed" | "cancelled"): void {
    this.end(status);
    for (const step of this.steps) if (step.status === "pending") step.status = "skipped";
  }

  get currentName(): string | null {
    return this.current?.name ?? null;
  }
}
