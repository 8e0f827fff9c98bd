import type { Condition } from "@/lib/alerts/conditions";

// The alert state machine, pure: given the open alerts of one cluster and the conditions seen
// now, what changes. pending → firing once the condition has held forSeconds; firing →
// resolved when it clears; a pending alert that clears before firing is dropped (it never
// happened as far as anyone was told). One open alert per rule + subject.

export interface OpenAlert {
  id: string;
  ruleId: string;
  subject: string;
  state: "pending" | "firing";
  pendingSince: Date;
  value: number | null;
  message: string;
}

export type Transition =
  | { type: "open"; ruleId: string; subject: string; value: number | null; message: string; firing: boolean }
  | { type: "fire"; alertId: string; value: number | null; message: string }
  | { type: "update"; alertId: string; value: number | null; message: string }
  | { type: "resolve"; alertId: string }
  | { type: "drop"; alertId: string };

const keyOf = (ruleId: string, subject: string) => `${ruleId}\u0000${subject}`;

export function planTransitions(
  open: OpenAlert[],
  conditions: Condition[],
  forSecondsByRule: ReadonlyMap<string, number>,
  now: Date,
  /** Rules whose facts are unknown this pass: their open alerts stay as they are. */
  unjudged: ReadonlySet<string> = new Set(),
): Transition[] {
  const transitions: Transition[] = [];
  const openByKey = new Map<string, OpenAlert>();
  const duplicates: OpenAlert[] = [];
  for (const alert of open) {
    const key = keyOf(alert.ruleId, alert.subject);
    const seen = openByKey.get(key);
    // Should never happen (evaluation is serialised); if it did, keep the firing/oldest one.
    if (!seen) openByKey.set(key, alert);
    else if (seen.state === "pending" && alert.state === "firing") {
      duplicates.push(seen);
      openByKey.set(key, alert);
    } else duplicates.push(alert);
  }
  for (const alert of duplicates) transitions.push({ type: "drop", alertId: alert.id });

  const seen = new Set<string>();
  for (const condition of conditions) {
    const key = keyOf(condition.ruleId, condition.subject);
    if (seen.has(key)) continue;
    seen.add(key);
    const forSeconds = forSecondsByRule.get(condition.ruleId) ?? 0;
    const alert = openByKey.get(key);
    if (!alert) {
      transitions.push({
        type: "open",
        ruleId: condition.ruleId,
        subject: condition.subject,
        value: condition.value,
        message: condition.message,
        firing: forSeconds <= 0,
      });
    } else if (
      alert.state === "pending" &&
      now.getTime() - alert.pendingSince.getTime() >= forSeconds * 1000
    ) {
      transitions.push({
        type: "fire",
        alertId: alert.id,
        value: condition.value,
        message: condition.message,
      });
    } else if (alert.value !== condition.value || alert.message !== condition.message) {
      transitions.push({
        type: "update",
        alertId: alert.id,
        value: condition.value,
        message: condition.message,
      });
    }
  }
  for (const [key, alert] of openByKey) {
    if (seen.has(key) || unjudged.has(alert.ruleId)) continue;
    transitions.push(
      alert.state === "firing" ? { type: "resolve", alertId: alert.id } : { type: "drop", alertId: alert.id },
    );
  }
  return transitions;
}

/** Silenced alerts still fire and resolve, but nobody is notified until the silence ends. */
export function isSilenced(silencedUntil: Date | null, now: Date): boolean {
  return silencedUntil !== null && silencedUntil.getTime() > now.getTime();
}
