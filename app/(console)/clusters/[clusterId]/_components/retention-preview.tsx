"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { formatBytes, formatCount } from "@/components/ui/format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { RetentionPreview } from "@/lib/client/use-retention";
import { OffsitePreviewView } from "./retention-offsite-preview";

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

/** A retention dry run (or what an apply did): what is expired, what is kept and why, the WAL. */
export function RetentionPreviewView({
  preview,
  verb,
}: {
  preview: RetentionPreview;
  verb: "would be" | "were";
}) {
  const tiered = preview.keep.some((decision) => decision.tiers.length > 0);
  return (
    <div className="space-y-3 text-sm">
      {preview.offsite ? <h3 className="font-medium text-zinc-900">Local repository</h3> : null}
      <p className="text-zinc-600">
        Recovery window starts <Time value={preview.windowStart} />. {plural(preview.keep.length, "backup")}{" "}
        kept.
        {tiered ? <> Tier days and weeks are those of {preview.tierTimeZone}.</> : null}
      </p>
      {preview.expire.length === 0 ? (
        <p>No backup {verb} expired.</p>
      ) : (
        <DecisionTable
          label={`Backups that ${verb} expired`}
          extraHead={<TH className="text-right">Size</TH>}
          rows={preview.expire.map((decision) => ({
            ...decision,
            extra: <TD className="text-right tabular-nums">{formatBytes(decision.sizeBytes)}</TD>,
          }))}
        />
      )}
      {preview.keep.length > 0 ? (
        <details open={tiered}>
          <summary className="cursor-pointer text-zinc-700">Why each kept backup is kept</summary>
          <div className="mt-2">
            <DecisionTable
              label="Backups kept"
              rows={preview.keep.map((decision) => ({
                ...decision,
                reason: <KeepReason decision={decision} />,
              }))}
            />
          </div>
        </details>
      ) : null}
      <p>
        <WalSummary wal={preview.wal} />
      </p>
      <p>
        Earliest restorable: <Time value={preview.earliestRestorable.before} empty="none" /> →{" "}
        <Time value={preview.earliestRestorable.after} empty="none" />
      </p>
      {preview.offsite ? <OffsitePreviewView offsite={preview.offsite} verb={verb} /> : null}
    </div>
  );
}
