import { describe, expect, it } from "vitest";
import { alertPayload, testPayload } from "@/lib/alerts/notify";
import { channelInputSchema } from "@/lib/schemas/notification-channels";
import { alertEmail, pagerDutyEvent, storedNotificationSchema } from "./messages";
import { displayTargetOf } from "./target";

const alert = {
  id: "a1",
  kind: "standby_down",
  severity: "warning",
  subject: "standby2",
  message: "Cluster prod: standby standby2 is down",
  value: null,
  clusterId: "c1",
  clusterName: "prod",
  startedAt: new Date("2026-12-01T03:00:00Z"),
  resolvedAt: null,
};
const stored = (payload: unknown) => storedNotificationSchema.parse(JSON.parse(JSON.stringify(payload)));

describe("alertEmail", () => {
  it("names state, severity, cluster and message in the subject and the facts in the body", () => {
    const mail = alertEmail(stored(alertPayload("firing", alert)));
    expect(mail.subject).toBe("[Walden] FIRING WARNING: prod Cluster prod: standby standby2 is down");
    expect(mail.text).toContain("Subject:  standby2");
    expect(mail.text).not.toContain("Value:");
    const resolved = alertEmail(
      stored(alertPayload("resolved", { ...alert, resolvedAt: new Date("2026-12-01T04:00:00Z") })),
    );
    expect(resolved.subject).toBe("[Walden] RESOLVED: prod Cluster prod: standby standby2 is down");
    expect(resolved.text).toContain("Resolved: 2026-12-01T04:00:00.000Z");
    expect(alertEmail(stored(testPayload("ops", new Date()))).subject).toBe("[Walden] Test notification");
  });
});

describe("alertEmail in Korean", () => {
  it("writes the frame in Korean and keeps the alert's facts", () => {
    const mail = alertEmail(stored(alertPayload("firing", alert)), "ko");
    expect(mail.subject).toBe("[Walden] 발생 경고: prod Cluster prod: standby standby2 is down");
    expect(mail.text).toContain("클러스터: prod");
    expect(mail.text).toContain("알림 페이지");
    expect(alertEmail(stored(testPayload("ops", new Date())), "ko").subject).toBe("[Walden] 테스트 알림");
  });
});

describe("pagerDutyEvent", () => {
  it("triggers with the alert's dedup key and resolves with the same one", () => {
    const trigger = pagerDutyEvent("k".repeat(32), stored(alertPayload("firing", alert)), "ch");
    expect(trigger).toMatchObject({
      event_action: "trigger",
      dedup_key: "walden-alert-a1",
      payload: { severity: "warning", source: "prod", component: "standby2", class: "standby_down" },
    });
    expect(pagerDutyEvent("k".repeat(32), stored(alertPayload("resolved", alert)), "ch")).toEqual({
      routing_key: "k".repeat(32),
      event_action: "resolve",
      dedup_key: "walden-alert-a1",
    });
    expect(pagerDutyEvent("k".repeat(32), stored(testPayload("ops", new Date())), "ch")).toMatchObject({
      event_action: "trigger",
      dedup_key: "walden-test-ch",
      payload: { severity: "info" },
    });
  });
});

describe("channel inputs", () => {
  it("fill SMTP defaults and show recipients and server, never the password", () => {
    const input = channelInputSchema.parse({
      kind: "email",
      name: "ops mail",
      host: "smtp.example.com",
      user: "walden",
      password: "s3cret",
      from: "Walden@Example.com",
      to: ["DBA@example.com"],
    });
    expect(input).toMatchObject({
      port: 587,
      tls: "starttls",
      from: "walden@example.com",
      to: ["dba@example.com"],
    });
    expect(displayTargetOf(input)).toBe("dba@example.com via smtp.example.com:587");
  });

  it("refuse an unknown kind, a URL as SMTP host and a routing key of the wrong length, naming the field", () => {
    expect(channelInputSchema.safeParse({ kind: "sms", name: "x" }).error?.issues[0]?.message).toBe(
      "kind must be webhook, email or pagerduty",
    );
    const host = channelInputSchema.safeParse({
      kind: "email",
      name: "x",
      host: "smtp://example.com",
      from: "a@b.co",
      to: ["c@d.co"],
    });
    expect(host.error?.issues.map((issue) => issue.path.join("."))).toEqual(["host"]);
    const key = channelInputSchema.safeParse({ kind: "pagerduty", name: "x", routingKey: "abc" });
    expect(key.error?.issues.map((issue) => issue.path.join("."))).toEqual(["routingKey"]);
  });
});
