"use client";

import { formatBytes } from "@/components/ui/format";
import { TD, TH } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { RetentionPreview } from "@/lib/client/use-retention";
import { DecisionTable, KeptDetails, plural, WalSummary } from "./retention-decisions";
import { OffsitePreviewView } from "./retention-offsite-preview";

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
      <KeptDetails keep={preview.keep} summary="Why each kept backup is kept" label="Backups kept" />
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
