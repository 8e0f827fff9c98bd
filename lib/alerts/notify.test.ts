import { describe, expect, it } from "vitest";
import { alertPayload, nextAttemptAfter } from "@/lib/alerts/notify";

const now = new Date("2026-11-26T12:00:00Z");

describe("nextAttemptAfter", () => {
  it("backs off 10 s, 1 min, 5 min, 30 min, then gives up", () => {
    const waits = [1, 2, 3, 4].map((attempt) => nextAttemptAfter(attempt, now)!.getTime() - now.getTime());
    expect(waits).toEqual([10_000, 60_000, 300_000, 1_800_000]);
    expect(nextAttemptAfter(5, now)).toBeNull();
  });
});

describe("alertPayload", () => {
  it("has a Slack-ready text and the alert for machines", () => {
    const input = {
      id: "a1",
      kind: "replication_lag_bytes",
      severity: "critical",
      subject: "standby1",
      message: "Cluster prod: standby standby1 is 9.0 MiB behind in replay (threshold 5.0 MiB)",
      value: 9 * 1024 * 1024,
      clusterId: "c1",
      clusterName: "prod",
      startedAt: now,
      resolvedAt: null,
    };
    const firing = alertPayload("firing", input);
    expect(firing.text).toBe(`[CRITICAL] FIRING ${input.message}`);
    expect(firing.alert).toMatchObject({
      cluster: "prod",
      subject: "standby1",
      state: "firing",
      startedAt: now.toISOString(),
    });
    expect(alertPayload("resolved", { ...input, resolvedAt: now }).text).toBe(
      `[RESOLVED] ${input.message} (was firing since ${now.toISOString()}; cleared now)`,
    );
  });
});
