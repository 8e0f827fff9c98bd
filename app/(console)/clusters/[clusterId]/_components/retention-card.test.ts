import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { RetentionPolicy, RetentionPreview } from "@/lib/client/use-retention";
import { describeTiers, PolicySummary } from "./retention-card";
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
  isDefault: false,
};

function html(node: ReactNode): string {
  return renderToStaticMarkup(createElement(QueryClientProvider, { client: new QueryClient() }, node));
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
    expect(describeTiers(policy)).toBe("7 daily, 4 weekly, 12 monthly");
    expect(describeTiers({ ...policy, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 })).toBeNull();
    expect(html(createElement(PolicySummary, { policy }))).toContain("tiers: 7 daily, 4 weekly, 12 monthly");
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
    };
    const markup = html(createElement(RetentionPreviewView, { preview, verb: "would be" }));
    expect(markup).toContain('aria-label="Backups kept"');
    expect(markup).toContain("Tier days and weeks are those of Europe/Paris.");
    expect(markup).toContain("inside the 7-day recovery window");
    for (const period of ["daily 2026-12-02", "weekly 2026-W49", "monthly 2026-10"])
      expect(markup).toContain(`>${period}</span>`);
    // A backup kept by its tier alone shows the period once, not also as the reason.
    expect(markup.split("monthly 2026-10").length - 1).toBe(1);
  });
});
