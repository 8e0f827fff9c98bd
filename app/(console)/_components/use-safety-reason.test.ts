import { describe, expect, it } from "vitest";
import { formatFor } from "@/components/ui/format";
import { assessSafety } from "@/lib/clusters/fleet-status";
import type { Locale } from "@/lib/i18n/locales";
import { translatorFor } from "@/lib/i18n/translator";
import { safetyReasonText } from "./use-safety-reason";

// The overview's at-risk reasons from their codes, in both languages: every code has words,
// English matches the API's `reasons`, Korean is not English.

const figures: Parameters<typeof assessSafety>[1] = {
  lastBackup: {
    id: "b1",
    kind: "physical",
    label: null,
    finishedAt: "2026-01-01T00:00:00.000Z",
    sizeBytes: 1,
    ageSeconds: 3 * 86_400,
  },
  restoreWindow: {
    earliest: "2026-01-01T00:00:00.000Z",
    latest: "2026-01-02T00:00:00.000Z",
    gaps: 2,
    computedAt: "2026-01-02T00:00:00.000Z",
    error: null,
  },
  rpo: { targetSeconds: 3600, achievedSeconds: 3 * 86_400 },
  replicationLag: null,
  archiver: { failing: true, failedCount: 4, lastFailedWal: "000000010000000000000007", lastFailedAt: null },
  lastDrill: { id: "d1", status: "succeeded", finishedAt: null, rtoSeconds: 7200, rtoTargetSeconds: 3600 },
  firingAlerts: { critical: 1, warning: 0 },
};

function render(locale: Locale, safety: ReturnType<typeof assessSafety>): string[] {
  const t = translatorFor(locale);
  const { formatSeconds } = formatFor(locale);
  return safety.reasonCodes.map((reason) =>
    safetyReasonText((code, values) => t(`overview.reasons.${code}`, values), formatSeconds, reason),
  );
}

describe("safetyReasonText", () => {
  const many = assessSafety("critical", figures);
  const bare = assessSafety("unknown", {
    ...figures,
    lastBackup: null,
    rpo: { targetSeconds: 3600, achievedSeconds: null },
    archiver: { ...figures.archiver!, lastFailedWal: null },
    restoreWindow: null,
    lastDrill: { ...figures.lastDrill!, status: "failed" },
  });
  const unreadable = assessSafety("ok", {
    ...figures,
    rpo: { targetSeconds: 86_400 * 7, achievedSeconds: 10 },
    archiver: null,
    restoreWindow: { ...figures.restoreWindow!, error: "EACCES" },
    lastDrill: null,
    firingAlerts: { critical: 0, warning: 0 },
  });

  it("says in English what the API's reasons say, durations in the console's format", () => {
    for (const safety of [bare, unreadable]) expect(render("en", safety)).toEqual(safety.reasons);
    expect(render("en", many)).toEqual([
      "the primary is unreachable or a standby is disconnected",
      "the last backup is 3 d old, over the RPO target of 1 h",
      "WAL archiving is failing (last failed: 000000010000000000000007)",
      "2 gaps in the WAL archive",
      "the last drill took 2 h, over the RTO target of 1 h",
      "1 critical alert firing",
    ]);
  });

  it("says it in Korean, with the figures in Korean formats", () => {
    const ko = render("ko", many);
    expect(ko).toHaveLength(many.reasons.length);
    expect(ko).toContain("WAL 아카이브에 빈 구간 2개");
    expect(ko).toContain("심각 알림 1건 발생 중");
    expect(ko.find((text) => text.startsWith("WAL 아카이빙"))).toContain("000000010000000000000007");
    expect(render("ko", bare)).toContain("성공한 물리 백업이 없습니다");
    expect(render("ko", bare).find((text) => text.startsWith("WAL 아카이빙"))).toBe(
      "WAL 아카이빙이 실패하고 있습니다",
    );
    expect(render("ko", unreadable)).toEqual(["WAL 아카이브를 읽을 수 없습니다: EACCES"]);
    for (const safety of [many, bare]) {
      const ko = render("ko", safety);
      ko.forEach((text, i) => expect(text).not.toBe(safety.reasons[i]));
    }
  });
});
