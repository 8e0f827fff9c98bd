"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { formatBytes, formatCount } from "@/components/ui/format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { RetentionPreview } from "@/lib/client/use-retention";
import type { RetentionTiers } from "@/lib/schemas/retention";

// The pieces both retention plans are shown with (local and offsite): decisions, reasons, WAL.

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** What happens to the WAL of one repository ("Archived WAL", "Offsite WAL"). */
export function WalSummary({ wal, what = "Archived WAL" }: { wal: RetentionPreview["wal"]; what?: string }) {
  if (wal.skipped)
    return (
      <>
        {what} is not pruned: {wal.skipped}.
      </>
    );
  if (wal.count === 0) {
    return (
      <>
        No {what.toLowerCase().replace("wal", "WAL")} to prune
        {wal.keepFrom ? (
          <>
            {" "}
            (all of it is from <code>{wal.keepFrom}</code> on)
          </>
        ) : null}
        .
      </>
    );
  }
  return (
    <>
      {plural(wal.count, "WAL file")} ({formatBytes(wal.bytes)}) pruned, <code>{wal.fromWal}</code> to{" "}
      <code>{wal.toWal}</code>; WAL from <code>{wal.keepFrom}</code> on is kept.
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
  rows: { id: string; kind: string; finishedAt: string; extra?: ReactNode; reason: ReactNode }[];
}) {
  return (
    <div className="rounded-md ring-1 ring-zinc-200 ring-inset">
      <Table aria-label={label}>
        <THead>
          <TR>
            <TH>Backup</TH>
            <TH>Kind</TH>
            <TH>Finished</TH>
            {extraHead}
            <TH>Reason</TH>
          </TR>
        </THead>
        <TBody>
          {rows.map((row) => (
            <TR key={row.id}>
              <TD>
                <BackupLink id={row.id} />
              </TD>
              <TD>{row.kind}</TD>
              <TD>
                <Time value={row.finishedAt} />
              </TD>
              {row.extra}
              <TD className="text-zinc-600">{row.reason}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </div>
  );
}

/** Why a backup is kept: its first reason, and every tier period it stands for when that is another. */
export function KeepReason({ decision }: { decision: RetentionPreview["keep"][number] }) {
  const tiersAreTheReason = decision.reason === decision.tiers.join(", ");
  return (
    <span className="flex flex-wrap items-center gap-1">
      {tiersAreTheReason ? null : <span>{decision.reason}</span>}
      {decision.tiers.map((period) => (
        <Badge key={period} tone="info">
          {period}
        </Badge>
      ))}
    </span>
  );
}

/** "7 daily, 4 weekly, 12 monthly": the tiers that are on, or null. */
export function describeTiers(tiers: RetentionTiers): string | null {
  const on = (
    [
      [tiers.keepDaily, "daily"],
      [tiers.keepWeekly, "weekly"],
      [tiers.keepMonthly, "monthly"],
      [tiers.keepYearly, "yearly"],
    ] as const
  ).filter(([count]) => count > 0);
  return on.length ? on.map(([count, label]) => `${count} ${label}`).join(", ") : null;
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
