import { parseLsn } from "@/lib/replication/lsn";
import type { WindowComputation } from "@/lib/wal/compute-window";

// The planner's view of a restore across promotions: which timelines replay follows from the
// backup to the target timeline, where each begins, and what to tell a person about it (the
// summary the restore form shows, a warning for an LSN past a switch point).

/** A timeline replay passes through: from `switchLsn` (where it branched off its parent) on. */
export interface TimelineStep {
  timeline: number;
  switchLsn: string | null;
}

/**
 * The timelines replay follows from the backup's timeline to the target timeline, oldest first,
 * each with the LSN where it begins (read from the history files). One step when there was no
 * promotion in between; empty when `to` does not descend from `from`.
 */
export function timelineSteps(window: WindowComputation, from: number, to: number): TimelineStep[] {
  const views = new Map(window.timelines.map((view) => [view.timeline, view]));
  const steps: TimelineStep[] = [];
  for (let tli: number | null = to; tli !== null; tli = views.get(tli)?.parent ?? null) {
    if (steps.some((step) => step.timeline === tli)) return [];
    steps.unshift({ timeline: tli, switchLsn: tli === from ? null : (views.get(tli)?.switchLsn ?? null) });
    if (tli === from) return steps;
  }
  return [];
}

/** "replay follows timeline 1 until 0/3000060, then timeline 2 from there" — empty without a switch. */
export function describeSteps(steps: TimelineStep[]): string {
  if (steps.length < 2) return "";
  const parts = steps.map((step, index) => {
    const next = steps[index + 1];
    if (index === 0) return `timeline ${step.timeline} until ${next!.switchLsn ?? "its switch point"}`;
    return next
      ? `timeline ${step.timeline} until ${next.switchLsn ?? "its switch point"}`
      : `timeline ${step.timeline} from there (the promotion's history file joins them)`;
  });
  return `; replay follows ${parts.join(", then ")}`;
}

/**
 * An LSN target past a switch point is read on the new timeline, whose WAL after the switch is
 * not what the old primary wrote at the same LSN: say so, and how to reach the old one.
 */
export function stepsWarning(steps: TimelineStep[], toLsn: string | null, setting: string): string | null {
  if (!toLsn || steps.length < 2) return null;
  const target = parseLsn(toLsn);
  const crossed = steps.filter((step) => step.switchLsn !== null && parseLsn(step.switchLsn) <= target);
  if (crossed.length === 0) return null;
  const last = crossed.at(-1)!;
  const parent = steps[steps.indexOf(last) - 1]!;
  return (
    `LSN ${toLsn} is past ${last.switchLsn}, where timeline ${last.timeline} branched off timeline ${parent.timeline}: ` +
    `it is replayed on timeline ${setting === "latest" ? steps.at(-1)!.timeline : setting}. ` +
    `To restore what timeline ${parent.timeline} held after the switch (the old primary's last writes), ask for timeline ${parent.timeline}.`
  );
}
