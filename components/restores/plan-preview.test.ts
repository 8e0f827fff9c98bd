import { describe, expect, it } from "vitest";
import { createTranslator } from "use-intl/core";
import { formatFor } from "@/components/ui/format";
import { messagesFor } from "@/lib/i18n/messages";
import type { RestorePlan } from "@/lib/schemas/restore-plan";
import { planSentence } from "./plan-preview";

// The plan's sentence is built from its fields in the reader's language, not the API's English.

const plan: RestorePlan = {
  backupId: "b1c2d3e4-0000-4000-8000-000000000000",
  backupLabel: null,
  backupStopLsn: "0/2000100",
  backupFinishedAt: "2026-11-26T10:00:00.000Z",
  fromLsn: "0/2000028",
  toLsn: null,
  toTime: "2026-11-26T11:00:00.000Z",
  target: { type: "latest" },
  timeline: "latest",
  checkedTimeline: 1,
  fromWal: "000000010000000000000002",
  toWal: "000000010000000000000003",
  walBytes: 16 * 1024 * 1024,
  backupBytes: 1024,
  estimateSeconds: 6,
  warnings: [],
  summary: "Restore backup b1c2d3e4 (finished …) and replay up to 16 MiB of WAL …",
};

describe("planSentence", () => {
  it("says what the restore will do in English and in Korean", () => {
    for (const locale of ["en", "ko"] as const) {
      const t = createTranslator({ locale, messages: messagesFor(locale), namespace: "restores" });
      const sentence = planSentence(t, plan, formatFor(locale));
      expect(sentence).toContain("b1c2d3e4");
      expect(sentence).toContain("2026-11-26 10:00:00");
      expect(sentence).toContain("16 MiB");
      if (locale === "en")
        expect(sentence).toBe(
          "Restore backup b1c2d3e4 (finished 2026-11-26 10:00:00 UTC) and replay up to 16 MiB of WAL (target: the latest archived commit) on timeline latest; about 6 s.",
        );
      else {
        expect(sentence).toContain("아카이브된 마지막 커밋");
        expect(sentence).not.toMatch(/Restore|replay|about|timeline/);
      }
    }
  });

  it("names a time target in UTC", () => {
    const t = createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "restores" });
    const target = { type: "time" as const, value: "2026-11-26T10:30:00.000Z", inclusive: true };
    expect(planSentence(t, { ...plan, target }, formatFor("en"))).toContain(
      "(target: up to and including 2026-11-26T10:30:00.000Z (UTC))",
    );
  });
});

describe("the plan sentence across a promotion", () => {
  const steps = [
    { timeline: 1, switchLsn: null },
    { timeline: 2, switchLsn: "0/3000060" },
  ];
  const crossing = { ...plan, timeline: "2", timelineSteps: steps };

  it("names each timeline replay follows, as the English summary does", () => {
    const t = createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "restores" });
    expect(planSentence(t, crossing, formatFor("en"))).toBe(
      "Restore backup b1c2d3e4 (finished 2026-11-26 10:00:00 UTC) and replay up to 16 MiB of WAL (target: the latest archived commit) on timeline 2; replay follows timeline 1 until 0/3000060, then timeline 2 from there (the promotion's history file joins them); about 6 s.",
    );
    const ko = createTranslator({ locale: "ko", messages: messagesFor("ko"), namespace: "restores" });
    expect(planSentence(ko, crossing, formatFor("ko"))).toContain(
      "타임라인 2 (재생 경로: 타임라인 1: 0/3000060까지, 타임라인 2: 그 지점부터(승격 때 생긴 history 파일로 이어짐))",
    );
  });

  it("reads the steps of a plan stored before they were a field from its English summary", () => {
    const stored = {
      ...plan,
      timeline: "2",
      summary:
        "Restore backup b1c2d3e4 (finished 2026-11-26T10:00:00.000Z) and replay up to 16.0 MiB of WAL to the latest archived commit on timeline 2; replay follows timeline 1 until 0/3000060, then timeline 2 from there (the promotion's history file joins them); about 6 s.",
    };
    const t = createTranslator({ locale: "ko", messages: messagesFor("ko"), namespace: "restores" });
    expect(planSentence(t, stored, formatFor("ko"))).toContain("타임라인 1: 0/3000060까지");
    expect(planSentence(t, plan, formatFor("ko"))).not.toContain("재생 경로");
  });
});
