import { createTranslator } from "use-intl/core";
import { describe, expect, it } from "vitest";
import { formatFor } from "@/components/ui/format";
import type { Locale } from "@/lib/i18n/locales";
import { messagesFor } from "@/lib/i18n/messages";
import type { SafetyReason } from "@/lib/schemas/safety-reason";
import { safetyReasonText } from "./use-safety-reason";

// The overview's at-risk reasons from their codes (as lib/clusters/fleet-status.ts builds them),
// in both languages. UI code takes only types from lib (depcruise), so the catalog is read directly.

const none = {} as Record<string, never>;
const many: SafetyReason[] = [
  { code: "unreachable", params: none },
  { code: "backupOverRpo", params: { ageSeconds: 3 * 86_400, targetSeconds: 3600 } },
  { code: "archiverFailing", params: { lastFailedWal: "000000010000000000000007" } },
  { code: "walGaps", params: { count: 2 } },
  { code: "drillOverRto", params: { rtoSeconds: 7200, targetSeconds: 3600 } },
  { code: "criticalAlerts", params: { count: 1 } },
];
const bare: SafetyReason[] = [
  { code: "noSample", params: none },
  { code: "noBackup", params: none },
  { code: "archiverFailing", params: { lastFailedWal: null } },
  { code: "windowNotComputed", params: none },
  { code: "nothingRestorable", params: none },
  { code: "archiveUnreadable", params: { error: "EACCES" } },
  { code: "drillFailed", params: none },
];

function render(locale: Locale, reasons: SafetyReason[]): string[] {
  const t = createTranslator({ locale, messages: messagesFor(locale), timeZone: "UTC" });
  const { formatSeconds } = formatFor(locale);
  return reasons.map((reason) =>
    safetyReasonText((code, values) => t(`overview.reasons.${code}`, values), formatSeconds, reason),
  );
}

describe("safetyReasonText", () => {
  it("says it in English as the API's reasons do, durations in the console's format", () => {
    expect(render("en", many)).toEqual([
      "the primary is unreachable or a standby is disconnected",
      "the last backup is 3 d old, over the RPO target of 1 h",
      "WAL archiving is failing (last failed: 000000010000000000000007)",
      "2 gaps in the WAL archive",
      "the last drill took 2 h, over the RTO target of 1 h",
      "1 critical alert firing",
    ]);
    expect(render("en", bare)).toEqual([
      "no fresh replication sample (is the worker running?)",
      "no successful physical backup",
      "WAL archiving is failing",
      "the restorable window has not been computed yet",
      "nothing is restorable to a point in time yet",
      "the WAL archive could not be read: EACCES",
      "the last restore drill failed",
    ]);
  });

  it("says it in Korean, every code in its own words", () => {
    const ko = render("ko", many);
    expect(ko).toContain("WAL 아카이브에 빈 구간 2개");
    expect(ko).toContain("심각 알림 1건 발생 중");
    expect(ko.find((text) => text.startsWith("WAL 아카이빙"))).toContain("000000010000000000000007");
    const koBare = render("ko", bare);
    expect(koBare).toContain("성공한 물리 백업이 없습니다");
    expect(koBare).toContain("WAL 아카이빙이 실패하고 있습니다");
    expect(koBare).toContain("WAL 아카이브를 읽을 수 없습니다: EACCES");
    const en = [...render("en", many), ...render("en", bare)];
    [...ko, ...koBare].forEach((text, i) => {
      expect(text).not.toBe(en[i]);
      expect(text).not.toMatch(/overview\.reasons/);
    });
  });
});
