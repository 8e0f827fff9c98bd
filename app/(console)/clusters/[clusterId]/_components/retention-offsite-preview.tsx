"use client";

import { useTranslations } from "next-intl";
import { TD, TH } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { useFormat } from "@/components/ui/use-format";
import type { RetentionPreview } from "@/lib/client/use-retention";
import {
  DecisionTable,
  describeTiers,
  KeptDetails,
  useSkippedText,
  WalSummary,
  type RetentionT,
} from "./retention-decisions";

type OffsitePreview = NonNullable<RetentionPreview["offsite"]>;

/** "30 days · minimum 2 physical backups · tiers: 12 monthly", or that none is set. */
export function describeOffsitePolicy(policy: OffsitePreview["policy"], t: RetentionT): string {
  if (policy.days === null || policy.minBackups === null) return t("offsite.noPolicy");
  const tiers = describeTiers(policy, t);
  return [
    t("offsite.policy", { days: policy.days, min: policy.minBackups }),
    tiers ? t("tiers", { tiers }) : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

/** The offsite repository's part of a dry run (or, `applied`, of what an apply did), beside the local one. */
export function OffsitePreviewView({ offsite, applied }: { offsite: OffsitePreview; applied: boolean }) {
  const retention = useTranslations("cluster.retention");
  const t = useTranslations("cluster.retention.offsite");
  const { formatBytes } = useFormat();
  const skippedText = useSkippedText();
  return (
    <section aria-label={t("title")} className="space-y-3 border-t border-zinc-200 pt-3">
      <h3 className="font-medium text-zinc-900">{t("title")}</h3>
      <p className="text-zinc-600">
        <code>{offsite.repository}</code>: {describeOffsitePolicy(offsite.policy, retention)}.
        {offsite.windowStart ? (
          <>
            {" "}
            {t.rich("windowStarts", {
              kept: offsite.keep.length,
              time: () => <Time value={offsite.windowStart} />,
            })}
          </>
        ) : null}
        {offsite.incompleteCopies > 0 ? <> {t("incomplete", { count: offsite.incompleteCopies })}</> : null}
      </p>
      {offsite.skipped ? (
        <p>{t(applied ? "skippedApplied" : "skipped", { reason: skippedText(offsite.skipped) })}</p>
      ) : (
        <>
          {offsite.expire.length === 0 ? (
            <p>{t(applied ? "noneDeletedApplied" : "noneDeleted")}</p>
          ) : (
            <DecisionTable
              label={t(applied ? "deletedLabelApplied" : "deletedLabel")}
              extraHead={<TH className="text-right">{retention("table.objects")}</TH>}
              rows={offsite.expire.map((decision) => ({
                ...decision,
                extra: (
                  <TD className="text-right tabular-nums">
                    {decision.objects} ({formatBytes(decision.sizeBytes)})
                  </TD>
                ),
              }))}
            />
          )}
          <KeptDetails keep={offsite.keep} summary={t("keptSummary")} label={t("keptLabel")} />
          <p>
            <WalSummary wal={offsite.wal} offsite />
          </p>
        </>
      )}
    </section>
  );
}
