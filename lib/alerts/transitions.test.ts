import { describe, expect, it } from "vitest";
import type { Condition } from "@/lib/alerts/conditions";
import { isSilenced, type OpenAlert, planTransitions } from "@/lib/alerts/transitions";

const t0 = new Date("2026-11-26T12:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const condition = (ruleId: string, subject: string, value = 1): Condition => ({
  ruleId,
  subject,
  value,
  message: `${subject} is ${value}`,
});
const alert = (overrides: Partial<OpenAlert>): OpenAlert => ({
  id: "a1",
  ruleId: "r1",
  subject: "standby1",
  state: "pending",
  pendingSince: t0,
  value: 1,
  message: "standby1 is 1",
  ...overrides,
});

describe("planTransitions", () => {
  const forSeconds = new Map([
    ["r1", 60],
    ["r0", 0],
  ]);

  it("opens a firing alert at once when forSeconds is 0, pending otherwise", () => {
    expect(planTransitions([], [condition("r0", "s1"), condition("r1", "s1")], forSeconds, t0)).toEqual([
      { type: "open", ruleId: "r0", subject: "s1", value: 1, message: "s1 is 1", firing: true },
      { type: "open", ruleId: "r1", subject: "s1", value: 1, message: "s1 is 1", firing: false },
    ]);
  });

  it("fires a pending alert only once the condition has held forSeconds", () => {
    const pending = alert({});
    expect(planTransitions([pending], [condition("r1", "standby1")], forSeconds, at(59))).toEqual([]);
    expect(planTransitions([pending], [condition("r1", "standby1", 2)], forSeconds, at(60))).toEqual([
      { type: "fire", alertId: "a1", value: 2, message: "standby1 is 2" },
    ]);
  });

  it("never opens a second alert for the same rule and subject, and only updates a changed value", () => {
    const firing = alert({ state: "firing" });
    expect(planTransitions([firing], [condition("r1", "standby1")], forSeconds, at(600))).toEqual([]);
    expect(
      planTransitions(
        [firing],
        [condition("r1", "standby1", 5), condition("r1", "standby1", 6)],
        forSeconds,
        at(600),
      ),
    ).toEqual([{ type: "update", alertId: "a1", value: 5, message: "standby1 is 5" }]);
  });

  it("resolves a firing alert whose condition cleared, and drops a pending one", () => {
    const firing = alert({ id: "f", state: "firing" });
    const pending = alert({ id: "p", subject: "standby2" });
    expect(planTransitions([firing, pending], [], forSeconds, at(5))).toEqual([
      { type: "resolve", alertId: "f" },
      { type: "drop", alertId: "p" },
    ]);
  });

  it("leaves alerts of rules it cannot judge now (no fresh sample) as they are", () => {
    const firing = alert({ id: "f", state: "firing" });
    const pending = alert({ id: "p", subject: "standby2" });
    expect(planTransitions([firing, pending], [], forSeconds, at(5), new Set(["r1"]))).toEqual([]);
  });

  it("keeps the firing alert when duplicates exist and drops the other", () => {
    const pending = alert({ id: "p" });
    const firing = alert({ id: "f", state: "firing" });
    expect(planTransitions([pending, firing], [condition("r1", "standby1")], forSeconds, at(5))).toEqual([
      { type: "drop", alertId: "p" },
    ]);
  });
});

describe("isSilenced", () => {
  it("holds until the silence expires", () => {
    expect(isSilenced(null, t0)).toBe(false);
    expect(isSilenced(at(10), t0)).toBe(true);
    expect(isSilenced(at(10), at(10))).toBe(false);
  });
});
