"use client";

import { useTranslations } from "next-intl";
import { TD, TH } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { useFormat } from "@/components/ui/use-format";
import type { RetentionPreview } from "@/lib/client/use-retention";
import { DecisionTable, KeptDetails, WalSummary } from "./retention-decisions";
import { OffsitePreviewView } from "./retention-offsite-preview";

/** A retention dry run (or, `applied`, what an apply did): what is expired, what is kept and why, the WAL. */
export function RetentionPreviewView({
  preview,
  applied = false,
}: {
  preview: RetentionPreview;
  applied?: boolean;
}) {
  const t = useTranslations("cluster.retention.local");
  const none = useTranslations("cluster.retention");
  const { formatBytes } = useFormat();
  const tiered = preview.keep.some((decision) => decision.tiers.length > 0);
  return (
    <div className="space-y-3 text-sm">
      {preview.offsite ? <h3 className="font-medium text-zinc-900">{t("title")}</h3> : null}
      <p className="text-zinc-600">
        {t.rich("windowStarts", {
          kept: preview.keep.length,
          time: () => <Time value={preview.windowStart} />,
        })}
        {tiered ? <> {t("tierZone", { zone: preview.tierTimeZone })}</> : null}
      </p>
      {preview.expire.length === 0 ? (
        <p>{t(applied ? "noneExpiredApplied" : "noneExpired")}</p>
      ) : (
        <DecisionTable
          label={t(applied ? "expiredLabelApplied" : "expiredLabel")}
          extraHead={<TH className="text-right">{none("table.size")}</TH>}
          rows={preview.expire.map((decision) => ({
            ...decision,
            extra: <TD className="text-right tabular-nums">{formatBytes(decision.sizeBytes)}</TD>,
          }))}
        />
      )}
      <KeptDetails keep={preview.keep} summary={t("keptSummary")} label={t("keptLabel")} />
      <p>
        <WalSummary wal={preview.wal} />
      </p>
      <p>
        {t("earliest")} <Time value={preview.earliestRestorable.before} empty={none("none")} /> →{" "}
        <Time value={preview.earliestRestorable.after} empty={none("none")} />
      </p>
      {preview.offsite ? <OffsitePreviewView offsite={preview.offsite} applied={applied} /> : null}
    </div>
  );
}
