"use client";

import { formatBytes } from "@/components/ui/format";
import { TD, TH } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { RetentionPreview } from "@/lib/client/use-retention";
import { DecisionTable, describeTiers, KeptDetails, plural, WalSummary } from "./retention-decisions";

type OffsitePreview = NonNullable<RetentionPreview["offsite"]>;

/** "30 days · minimum 2 physical backups · tiers: 12 monthly", or that none is set. */
export function describeOffsitePolicy(policy: OffsitePreview["policy"]): string {
  if (policy.days === null || policy.minBackups === null)
    return "no retention of its own: everything is kept";
  const tiers = describeTiers(policy);
  return (
    `${plural(policy.days, "day")} · minimum ${plural(policy.minBackups, "physical backup")}` +
    (tiers ? ` · tiers: ${tiers}` : "")
  );
}

/** The offsite repository's part of a dry run (or of what an apply did), beside the local one. */
export function OffsitePreviewView({
  offsite,
  verb,
}: {
  offsite: OffsitePreview;
  verb: "would be" | "were";
}) {
  return (
    <section aria-label="Offsite repository" className="space-y-3 border-t border-zinc-200 pt-3">
      <h3 className="font-medium text-zinc-900">Offsite repository</h3>
      <p className="text-zinc-600">
        <code>{offsite.repository}</code>: {describeOffsitePolicy(offsite.policy)}.
        {offsite.windowStart ? (
          <>
            {" "}
            Its window starts <Time value={offsite.windowStart} />;{" "}
            {plural(offsite.keep.length, "copy", "copies")} kept.
          </>
        ) : null}
        {offsite.incompleteCopies > 0 ? (
          <>
            {" "}
            {plural(offsite.incompleteCopies, "copy", "copies")} still uploading or failed: not counted, not
            deleted.
          </>
        ) : null}
      </p>
      {offsite.skipped ? (
        <p>
          Nothing {verb} deleted offsite: {offsite.skipped}.
        </p>
      ) : (
        <>
          {offsite.expire.length === 0 ? (
            <p>No offsite copy {verb} deleted.</p>
          ) : (
            <DecisionTable
              label={`Offsite copies that ${verb} deleted`}
              extraHead={<TH className="text-right">Objects</TH>}
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
          <KeptDetails
            keep={offsite.keep}
            summary="Why each kept offsite copy is kept"
            label="Offsite copies kept"
          />
          <p>
            <WalSummary wal={offsite.wal} what="Offsite WAL" />
          </p>
        </>
      )}
    </section>
  );
}
