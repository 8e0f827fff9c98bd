import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { formatBytes, formatCount, formatSeconds, formatUtcSeconds } from "@/components/ui/format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Description, DescriptionList } from "@/components/ui/description-list";
import type { ClusterReport, KindReport } from "@/lib/schemas/report";

// One cluster's figures as tables, in the order an auditor reads them. Every number comes from
// the report object as the API returns it (JSON and CSV show the same).

export function percent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  return `${(ratio * 100).toFixed(digits)} %`;
}

function change(value: number | null): string {
  if (value === null) return "—";
  return `${value > 0 ? "+" : ""}${value.toFixed(1)} %`;
}

function when(value: string | null): string {
  return value ? formatUtcSeconds(value) : "—";
}

export function MetBadge({
  met,
  yes = "met",
  no = "missed",
}: {
  met: boolean | null;
  yes?: string;
  no?: string;
}) {
  if (met === null) return <Badge tone="neutral">no data</Badge>;
  return met ? <Badge tone="success">{yes}</Badge> : <Badge tone="danger">{no}</Badge>;
}

function Section({ title, children, id }: { title: string; children: ReactNode; id: string }) {
  return (
    <section aria-labelledby={id} className="break-inside-avoid">
      <h3 id={id} className="mb-1.5 text-xs font-semibold tracking-wide text-zinc-500 uppercase">
        {title}
      </h3>
      {children}
    </section>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    // Narrower terms and smaller text on paper.
    <DescriptionList className="[--term-width:11rem] print:text-xs print:[--term-width:8rem] [&_dd]:tabular-nums">
      {rows.map(([label, value]) => (
        <Description key={label} term={label}>
          {value}
        </Description>
      ))}
    </DescriptionList>
  );
}

// Tighter than the console's tables (px-4): ten columns must fit A4.
const compact = "px-2! py-1!";

function CountRow({ kind, report }: { kind: string; report: KindReport }) {
  return (
    <TR>
      <TD className={`${compact} font-medium`}>{kind}</TD>
      <TD className={`${compact} text-right tabular-nums`}>{formatCount(report.scheduled)}</TD>
      <TD className={`${compact} text-right tabular-nums`}>{formatCount(report.run)}</TD>
      <TD className={`${compact} text-right tabular-nums`}>{formatCount(report.succeeded)}</TD>
      <TD className={`${compact} text-right tabular-nums`}>{formatCount(report.failed)}</TD>
      <TD className={`${compact} text-right tabular-nums`}>{percent(report.successRate)}</TD>
    </TR>
  );
}

function SizeRow({ kind, report }: { kind: string; report: KindReport }) {
  return (
    <TR>
      <TD className={`${compact} font-medium`}>{kind}</TD>
      <TD className={`${compact} text-right tabular-nums`}>{formatBytes(report.sizeBytesMedian)}</TD>
      <TD className={`${compact} text-right tabular-nums`}>{formatBytes(report.sizeBytesP95)}</TD>
      <TD className={`${compact} text-right tabular-nums`}>{change(report.trend.sizeMedianChangePercent)}</TD>
      <TD className={`${compact} text-right tabular-nums`}>{formatSeconds(report.durationSecondsMedian)}</TD>
      <TD className={`${compact} text-right tabular-nums`}>{formatSeconds(report.durationSecondsP95)}</TD>
      <TD className={`${compact} text-right tabular-nums`}>
        {change(report.trend.durationMedianChangePercent)}
      </TD>
    </TR>
  );
}

export function ClusterFigures({ cluster }: { cluster: ClusterReport }) {
  const key = cluster.clusterId.slice(0, 8);
  const { rpo, walContinuity, restorableWindow, verification, drills, alerts, threeTwoOne } = cluster;
  return (
    <div className="space-y-5">
      <Section title="Backups" id={`backups-${key}`}>
        <div className="grid grid-cols-1 gap-3 xl:grid-cols-[2fr_3fr] print:grid-cols-1">
          <Table className="text-[13px]">
            <THead>
              <TR>
                <TH className={compact}>Kind</TH>
                <TH className={`${compact} text-right`}>Scheduled</TH>
                <TH className={`${compact} text-right`}>Run</TH>
                <TH className={`${compact} text-right`}>Succeeded</TH>
                <TH className={`${compact} text-right`}>Failed</TH>
                <TH className={`${compact} text-right`}>Success</TH>
              </TR>
            </THead>
            <TBody>
              <CountRow kind="Physical" report={cluster.backups.physical} />
              <CountRow kind="Logical" report={cluster.backups.logical} />
            </TBody>
          </Table>
          <Table className="text-[13px]">
            <THead>
              <TR>
                <TH className={compact}>Kind</TH>
                <TH className={`${compact} text-right`}>Size p50</TH>
                <TH className={`${compact} text-right`}>Size p95</TH>
                <TH className={`${compact} text-right`}>vs prev.</TH>
                <TH className={`${compact} text-right`}>Time p50</TH>
                <TH className={`${compact} text-right`}>Time p95</TH>
                <TH className={`${compact} text-right`}>vs prev.</TH>
              </TR>
            </THead>
            <TBody>
              <SizeRow kind="Physical" report={cluster.backups.physical} />
              <SizeRow kind="Logical" report={cluster.backups.logical} />
            </TBody>
          </Table>
        </div>
      </Section>

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2 print:grid-cols-2">
        <Section title="Recovery point (RPO)" id={`rpo-${key}`}>
          <Facts
            rows={[
              ["Target", formatSeconds(rpo.targetSeconds)],
              [
                "Achieved (largest gap)",
                <>
                  {formatSeconds(rpo.worstGapSeconds)} <MetBadge met={rpo.met} />
                </>,
              ],
              ["Gap from / to", `${when(rpo.worstGapFrom)} → ${when(rpo.worstGapTo)}`],
              ...(rpo.note ? ([["Note", rpo.note]] as [string, ReactNode][]) : []),
            ]}
          />
        </Section>
        <Section title="WAL archive and restorable window" id={`wal-${key}`}>
          <Facts
            rows={[
              ["Month covered", percent(walContinuity.coveredRatio, 2)],
              ["Gaps", formatCount(walContinuity.gaps.length)],
              [
                "Restorable at month end",
                `${when(restorableWindow.earliest)} → ${when(restorableWindow.latest)}`,
              ],
              ["Basis", walContinuity.basis],
            ]}
          />
        </Section>
        <Section title="Verification and drills" id={`drills-${key}`}>
          <Facts
            rows={[
              [
                "Backups verified",
                `${formatCount(verification.verified)} passed, ${formatCount(verification.failed)} failed, ${formatCount(verification.unverified)} not verified`,
              ],
              [
                "Drills",
                `${formatCount(drills.count)} (${formatCount(drills.succeeded)} succeeded, ${formatCount(drills.failed)} failed)`,
              ],
              ["RTO target", formatSeconds(drills.rtoTargetSeconds)],
              [
                "RTO median / max",
                <>
                  {formatSeconds(drills.rtoMedianSeconds)} / {formatSeconds(drills.rtoMaxSeconds)}{" "}
                  <MetBadge met={drills.met} />
                </>,
              ],
            ]}
          />
        </Section>
        <Section title="Alerts and 3-2-1" id={`alerts-${key}`}>
          <Facts
            rows={[
              [
                "Alerts",
                `${formatCount(alerts.count)} (${formatCount(alerts.resolved)} resolved, ${formatCount(alerts.open)} open)`,
              ],
              [
                "Time to resolve p50 / max",
                `${formatSeconds(alerts.resolveMedianSeconds)} / ${formatSeconds(alerts.resolveMaxSeconds)}`,
              ],
              [
                "3-2-1",
                <>
                  {formatCount(threeTwoOne.copies)} copies, {formatCount(threeTwoOne.repositories)}{" "}
                  repositories, {threeTwoOne.offsite ? "offsite" : "no offsite copy"}{" "}
                  <MetBadge met={threeTwoOne.met} />
                </>,
              ],
              ["Second repository", threeTwoOne.secondaryConfigured ? "configured" : "not configured"],
            ]}
          />
        </Section>
      </div>

      <Section title="Replication lag per standby" id={`lag-${key}`}>
        {cluster.replication.length ? (
          <Table className="text-[13px]">
            <THead>
              <TR>
                <TH className={compact}>Standby</TH>
                <TH className={`${compact} text-right`}>p50</TH>
                <TH className={`${compact} text-right`}>p95</TH>
                <TH className={`${compact} text-right`}>Max</TH>
                <TH className={`${compact} text-right`}>Max seconds</TH>
                <TH className={`${compact} text-right`}>
                  Minutes over {formatBytes(cluster.replication[0]?.thresholdBytes)}
                </TH>
                <TH className={`${compact} text-right`}>Buckets</TH>
              </TR>
            </THead>
            <TBody>
              {cluster.replication.map((lag) => (
                <TR key={lag.standby}>
                  <TD className={`${compact} font-medium`}>{lag.standby}</TD>
                  <TD className={`${compact} text-right tabular-nums`}>{formatBytes(lag.replayBytesP50)}</TD>
                  <TD className={`${compact} text-right tabular-nums`}>{formatBytes(lag.replayBytesP95)}</TD>
                  <TD className={`${compact} text-right tabular-nums`}>{formatBytes(lag.replayBytesMax)}</TD>
                  <TD className={`${compact} text-right tabular-nums`}>
                    {formatSeconds(lag.replaySecondsMax)}
                  </TD>
                  <TD className={`${compact} text-right tabular-nums`}>
                    {lag.minutesOverIsUpperBound ? "≤ " : ""}
                    {formatCount(lag.minutesOverThreshold)}
                  </TD>
                  <TD className={`${compact} text-right tabular-nums`}>
                    {formatCount(lag.buckets)} × {lag.resolution}
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        ) : (
          <p className="text-sm text-zinc-500">No replication samples were rolled up in this month.</p>
        )}
      </Section>
    </div>
  );
}
