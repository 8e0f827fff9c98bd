"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { useFinding } from "@/components/i18n/use-finding";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { useFormat } from "@/components/ui/use-format";
import type { RetentionPreview } from "@/lib/client/use-retention";
import type { RetentionDecision, RetentionTiers } from "@/lib/schemas/retention";

// The pieces both retention plans are shown with (local and offsite): decisions, reasons, WAL.

export type RetentionT = ReturnType<typeof useTranslations<"cluster.retention">>;

/** Why a backup is kept or expired, in the reader's language: from its code, else its English. */
function useReasonText(): (
  decision: Pick<RetentionDecision, "reason" | "reasonCode" | "reasonParams">,
) => string {
  const say = useFinding("retention");
  return (decision) =>
    say(
      decision.reason,
      decision.reasonCode ? { code: decision.reasonCode, params: decision.reasonParams } : null,
    );
}

/** Why WAL (or a whole offsite plan) is left alone, in the reader's language. */
export function useSkippedText(): (reason: string) => string {
  const say = useFinding("retention.skipped");
  return (reason) => say(reason);
}

const code = (chunks: ReactNode) => <code>{chunks}</code>;

/** What happens to the WAL of one repository: the archive's, or the offsite repository's. */
export function WalSummary({ wal, offsite = false }: { wal: RetentionPreview["wal"]; offsite?: boolean }) {
  const t = useTranslations("cluster.retention.wal");
  const { formatBytes } = useFormat();
  const skippedText = useSkippedText();
  const where = offsite ? "true" : "false";
  if (wal.skipped) return <>{t("skipped", { offsite: where, reason: skippedText(wal.skipped) })}</>;
  if (wal.count === 0)
    return wal.keepFrom ? (
      <>{t.rich("noneFrom", { offsite: where, wal: wal.keepFrom, code })}</>
    ) : (
      <>{t("none", { offsite: where })}</>
    );
  return (
    <>
      {t.rich("pruned", {
        count: wal.count,
        bytes: formatBytes(wal.bytes),
        from: wal.fromWal ?? "",
        to: wal.toWal ?? "",
        keep: wal.keepFrom ?? "",
        code,
      })}
    </>
  );
}

function BackupLink({ id }: { id: string }) {
  return (
    <Link href={`/backups/${id}`} className="font-mono text-xs text-emerald-800 hover:underline">
      {id.slice(0, 8)}
    </Link>
  );
}

export function DecisionTable({
  label,
  extraHead,
  rows,
}: {
  label: string;
  extraHead?: ReactNode;
  rows: (Partial<Pick<RetentionDecision, "reasonCode" | "reasonParams">> & {
    id: string;
    kind: string;
    finishedAt: string;
    extra?: ReactNode;
    reason: ReactNode;
  })[];
}) {
  const t = useTranslations("cluster.retention.table");
  const reasonText = useReasonText();
  const kinds = useTranslations("backups.kinds");
  return (
    <div className="rounded-md ring-1 ring-zinc-200 ring-inset">
      <Table aria-label={label}>
        <THead>
          <TR>
            <TH>{t("backup")}</TH>
            <TH>{t("kind")}</TH>
            <TH>{t("finished")}</TH>
            {extraHead}
            <TH>{t("reason")}</TH>
          </TR>
        </THead>
        <TBody>
          {rows.map((row) => (
            <TR key={row.id}>
              <TD>
                <BackupLink id={row.id} />
              </TD>
              <TD>{row.kind === "physical" || row.kind === "logical" ? kinds(row.kind) : row.kind}</TD>
              <TD>
                <Time value={row.finishedAt} />
              </TD>
              {row.extra}
              <TD className="text-zinc-600">
                {typeof row.reason === "string" ? reasonText({ ...row, reason: row.reason }) : row.reason}
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </div>
  );
}

const PERIODS = ["daily", "weekly", "monthly", "yearly"] as const;

/** "monthly 2026-10" (the API's words for a tier period) in the reader's language. */
function TierPeriod({ period }: { period: string }) {
  const t = useTranslations("cluster.retention.period");
  const [tier, ...rest] = period.split(" ");
  const known = PERIODS.find((name) => name === tier);
  return <>{known ? t(known, { period: rest.join(" ") }) : period}</>;
}

/** Why a backup is kept: its first reason, and every tier period it stands for when that is another. */
export function KeepReason({ decision }: { decision: RetentionPreview["keep"][number] }) {
  const reasonText = useReasonText();
  const tiersAreTheReason = decision.reason === decision.tiers.join(", ");
  return (
    <span className="flex flex-wrap items-center gap-1">
      {tiersAreTheReason ? null : <span>{reasonText(decision)}</span>}
      {decision.tiers.map((period) => (
        <Badge key={period} tone="info">
          <TierPeriod period={period} />
        </Badge>
      ))}
    </span>
  );
}

const TIERS = ["keepDaily", "keepWeekly", "keepMonthly", "keepYearly"] as const;

/** "7 daily, 4 weekly, 12 monthly": the tiers that are on, or null. */
export function describeTiers(tiers: RetentionTiers, t: RetentionT): string | null {
  const on = TIERS.filter((tier) => tiers[tier] > 0).map((tier) => t(`tier.${tier}`, { count: tiers[tier] }));
  return on.length ? on.join(", ") : null;
}

/** The kept backups (or copies) with why, folded unless a tier keeps one. */
export function KeptDetails({
  keep,
  summary,
  label,
}: {
  keep: RetentionPreview["keep"];
  summary: string;
  label: string;
}) {
  if (keep.length === 0) return null;
  return (
    <details open={keep.some((decision) => decision.tiers.length > 0)}>
      <summary className="cursor-pointer text-zinc-700">{summary}</summary>
      <div className="mt-2">
        <DecisionTable
          label={label}
          rows={keep.map((decision) => ({ ...decision, reason: <KeepReason decision={decision} /> }))}
        />
      </div>
    </details>
  );
}
