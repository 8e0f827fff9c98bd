import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement, type ComponentProps, type ReactNode } from "react";
import { createTranslator, NextIntlClientProvider } from "next-intl";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { messages } from "@/lib/i18n/messages";
import type { RetentionPolicy, RetentionPreview } from "@/lib/client/use-retention";
import { PolicySummary } from "./retention-card";
import { describeTiers } from "./retention-decisions";
import { describeOffsitePolicy } from "./retention-offsite-preview";
import { policyFormValues, RetentionPolicyForm } from "./retention-policy-form";
import { RetentionPreviewView } from "./retention-preview";

// The card's tier fields, summary and preview as server HTML: what a person sees first.

const policy: RetentionPolicy = {
  recoveryWindowDays: 7,
  minRedundancy: 2,
  logicalKeep: 7,
  keepDaily: 7,
  keepWeekly: 4,
  keepMonthly: 12,
  keepYearly: 0,
  offsiteTiers: { keepDaily: 0, keepWeekly: 0, keepMonthly: 24, keepYearly: 5 },
  isDefault: false,
};

const t = createTranslator({ locale: "en", messages: messages.en, namespace: "cluster.retention" });

/** English by default, as the console renders it for a browser without another language. */
function html(node: ReactNode, locale: "en" | "ko" = "en"): string {
  return renderToStaticMarkup(
    createElement(
      NextIntlClientProvider,
      // children is a required prop in the provider's type; it is given as the third argument.
      { locale, messages: messages[locale], timeZone: "UTC" } as ComponentProps<
        typeof NextIntlClientProvider
      >,
      createElement(QueryClientProvider, { client: new QueryClient() }, node),
    ),
  );
}

/** The <input> tag whose name is `name`. */
function inputNamed(markup: string, name: string): string | undefined {
  return markup.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0];
}

describe("retention card", () => {
  it("edits the four tiers with labelled number fields, starting from the policy's values", () => {
    const markup = html(createElement(RetentionPolicyForm, { clusterId: "c1", policy, onDone: () => {} }));
    expect(markup).toContain("Tiers (grandfather-father-son)");
    for (const [name, label] of [
      ["keepDaily", "Daily"],
      ["keepWeekly", "Weekly"],
      ["keepMonthly", "Monthly"],
      ["keepYearly", "Yearly"],
    ] as const) {
      const input = inputNamed(markup, name);
      expect(input, name).toBeDefined();
      expect(input).toContain('type="number"');
      expect(input).toContain('min="0"');
      expect(input).toContain('max="1000"');
      const id = input!.match(/id="([^"]+)"/)![1]!;
      expect(markup).toContain(
        `<label class="block text-xs font-medium text-zinc-700" for="${id}">${label}</label>`,
      );
      // The hint is what the input is described by.
      expect(input).toContain(`aria-describedby="${id}-hint"`);
    }
    expect(inputNamed(markup, "recoveryWindowDays")).toContain('max="3650"');
    // The numbers, without the "defaults" flag the form does not edit.
    expect(policyFormValues(policy)).toEqual({ ...policy, isDefault: undefined });
  });

  it("sums up the tiers that are on, and none when all are off", () => {
    expect(describeTiers(policy, t)).toBe("7 daily, 4 weekly, 12 monthly");
    expect(describeTiers({ ...policy, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 }, t)).toBeNull();
    expect(html(createElement(PolicySummary, { policy }))).toContain(
      "7 days recovery window · minimum 2 physical backups · 7 logical backups kept · tiers: 7 daily, 4 weekly, 12 monthly",
    );
  });

  it("reads in Korean: the summary, the form's fields and the preview's words", () => {
    expect(html(createElement(PolicySummary, { policy }), "ko")).toContain(
      "복구 기간 7일 · 물리 백업 최소 2개 · 논리 백업 7개 보관 · 계층: 일별 7개, 주별 4개, 월별 12개",
    );
    const form = html(
      createElement(RetentionPolicyForm, { clusterId: "c1", policy, onDone: () => {} }),
      "ko",
    );
    for (const words of ["복구 기간(일)", "계층(할아버지-아버지-아들)", "오프사이트 계층", "정책 저장"])
      expect(form).toContain(words);
    const preview = html(
      createElement(RetentionPreviewView, {
        preview: {
          policy,
          windowStart: "2026-11-26T00:00:00.000Z",
          tierTimeZone: "UTC",
          keep: [],
          expire: [],
          wal: { skipped: null, count: 0, bytes: 0, fromWal: null, toWal: null, keepFrom: null },
          earliestRestorable: { before: null, after: null },
          offsite: null,
        },
      }),
      "ko",
    );
    expect(preview).toContain("만료될 백업이 없습니다.");
    expect(preview).toContain("정리할 아카이브된 WAL이 없습니다.");
    // No English sentence left (the codes and times aside).
    expect(preview.replace(/<[^>]+>/g, " ")).not.toMatch(/\b(backup|kept|window|restorable|none)\b/i);
  });

  it("shows why each kept backup is kept, the tier periods included", () => {
    const preview: RetentionPreview = {
      policy,
      windowStart: "2026-11-26T00:00:00.000Z",
      tierTimeZone: "Europe/Paris",
      keep: [
        {
          id: "aaaaaaaa-0000-0000-0000-000000000001",
          kind: "physical",
          reason: "inside the 7-day recovery window",
          tiers: ["daily 2026-12-02", "weekly 2026-W49"],
          finishedAt: "2026-12-02T02:00:00.000Z",
        },
        {
          id: "bbbbbbbb-0000-0000-0000-000000000002",
          kind: "physical",
          reason: "monthly 2026-10",
          tiers: ["monthly 2026-10"],
          finishedAt: "2026-10-31T02:00:00.000Z",
        },
      ],
      expire: [],
      wal: { skipped: null, count: 0, bytes: 0, fromWal: null, toWal: null, keepFrom: null },
      earliestRestorable: { before: null, after: null },
      offsite: null,
    };
    const markup = html(createElement(RetentionPreviewView, { preview }));
    expect(markup).not.toContain("Offsite repository");
    expect(markup).toContain('aria-label="Backups kept"');
    expect(markup).toContain("Tier days and weeks are those of Europe/Paris.");
    expect(markup).toContain("inside the 7-day recovery window");
    for (const period of ["daily 2026-12-02", "weekly 2026-W49", "monthly 2026-10"])
      expect(markup).toContain(`>${period}</span>`);
    // A backup kept by its tier alone shows the period once, not also as the reason.
    expect(markup.split("monthly 2026-10").length - 1).toBe(1);
  });

  it("edits the offsite tiers beside the local ones", () => {
    const markup = html(createElement(RetentionPolicyForm, { clusterId: "c1", policy, onDone: () => {} }));
    expect(markup).toContain("Offsite tiers");
    for (const name of ["keepDaily", "keepWeekly", "keepMonthly", "keepYearly"])
      expect(inputNamed(markup, `offsiteTiers.${name}`), name).toContain('max="1000"');
  });

  it("shows the offsite plan beside the local one: copies deleted with their objects, kept with their tiers, the WAL", () => {
    const offsite: NonNullable<RetentionPreview["offsite"]> = {
      repository: "s3://walden/prod at https://s3.eu-west-1.amazonaws.com",
      policy: { days: 90, minBackups: 2, keepDaily: 0, keepWeekly: 0, keepMonthly: 24, keepYearly: 5 },
      skipped: null,
      windowStart: "2026-09-04T00:00:00.000Z",
      keep: [
        {
          id: "cccccccc-0000-0000-0000-000000000003",
          kind: "physical",
          reason: "monthly 2026-06",
          tiers: ["monthly 2026-06"],
          finishedAt: "2026-06-30T02:00:00.000Z",
        },
      ],
      expire: [
        {
          id: "dddddddd-0000-0000-0000-000000000004",
          kind: "physical",
          reason: "older than the recovery window's base and beyond the 2 newest",
          finishedAt: "2026-06-01T02:00:00.000Z",
          objects: 3,
          sizeBytes: 3 * 1024 * 1024,
        },
      ],
      wal: {
        skipped: null,
        count: 12,
        bytes: 12 * 16 * 1024 * 1024,
        fromWal: "000000010000000000000001",
        toWal: "00000001000000000000000C",
        keepFrom: "00000001000000000000000D",
      },
      incompleteCopies: 1,
    };
    expect(describeOffsitePolicy(offsite.policy, t)).toBe(
      "90 days · minimum 2 physical backups · tiers: 24 monthly, 5 yearly",
    );
    expect(describeOffsitePolicy({ ...offsite.policy, days: null, minBackups: null }, t)).toBe(
      "no retention of its own: everything is kept",
    );
    const preview: RetentionPreview = {
      policy,
      windowStart: "2026-11-26T00:00:00.000Z",
      tierTimeZone: "UTC",
      keep: [],
      expire: [],
      wal: { skipped: null, count: 0, bytes: 0, fromWal: null, toWal: null, keepFrom: null },
      earliestRestorable: { before: null, after: null },
      offsite,
    };
    const markup = html(createElement(RetentionPreviewView, { preview }));
    expect(markup).toContain("Local repository");
    expect(markup).toContain('aria-label="Offsite repository"');
    expect(markup).toContain("s3://walden/prod at https://s3.eu-west-1.amazonaws.com");
    expect(markup).toContain('aria-label="Offsite copies that would be deleted"');
    expect(markup).toContain(">dddddddd</a>");
    expect(markup).toContain("3 (3 MiB)");
    expect(markup).toContain(">monthly 2026-06</span>");
    expect(markup).toContain("1 copy still uploading or failed: not counted, not deleted.");
    expect(markup).toContain("12 WAL files");
    expect(markup).toContain("<code>00000001000000000000000D</code> on is kept");
  });
});
