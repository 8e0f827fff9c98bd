"use client";

import { useTranslations } from "next-intl";
import type { Formatters } from "@/components/ui/format";
import { useFormat } from "@/components/ui/use-format";
import type { SafetyReason, SafetyReasonCode } from "@/lib/schemas/safety-reason";

// The overview's words for an at-risk reason in the reader's language (overview.reasons.<code>),
// durations formatted there too. The API's English `reasons` stay for scripts.

type ReasonTranslator = (code: SafetyReasonCode, values?: Record<string, string | number>) => string;

/** Pure, so a unit test can run it with translatorFor(locale) and formatFor(locale). */
export function safetyReasonText(
  t: ReasonTranslator,
  formatSeconds: Formatters["formatSeconds"],
  reason: SafetyReason,
): string {
  switch (reason.code) {
    case "backupOverRpo":
      return t(reason.code, {
        age: formatSeconds(reason.params.ageSeconds),
        target: formatSeconds(reason.params.targetSeconds),
      });
    case "drillOverRto":
      return t(reason.code, {
        took: formatSeconds(reason.params.rtoSeconds),
        target: formatSeconds(reason.params.targetSeconds),
      });
    case "archiverFailing":
      // "none" selects the catalog's wording without a WAL name.
      return t(reason.code, { wal: reason.params.lastFailedWal ?? "none" });
    case "archiveUnreadable":
      return t(reason.code, { error: reason.params.error });
    case "walGaps":
    case "criticalAlerts":
      return t(reason.code, { count: reason.params.count });
    default:
      return t(reason.code);
  }
}

export function useSafetyReasonText(): (reason: SafetyReason) => string {
  const t = useTranslations("overview.reasons");
  const { formatSeconds } = useFormat();
  return (reason) => safetyReasonText((code, values) => t(code, values), formatSeconds, reason);
}
