import { useTranslations } from "next-intl";
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

export function MetBadge({ met, yes, no }: { met: boolean | null; yes?: string; no?: string }) {
  const t = useTranslations("reports.figures");
  if (met === null) return <Badge tone="neutral">{t("noData")}</Badge>;
  return met ? <Badge tone="success">{yes ?? t("met")}</Badge> : <Badge tone="danger">{no ?? t("missed")}</Badge>;
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
  const t = useTranslations("reports.figures");
  const tm = useTranslations("reports.month");
  const key = cluster.clusterId.slice(0, 8);
  const { rpo, walContinuity, restorableWindow, verification, drills, alerts, threeTwoOne } = cluster;
  return (
    <div className="space-y-5">
      <Section title={t("backups")} id={`backups-${key}`}>
        <div className="grid grid-cols-1 gap-3 xl:grid-cols-[2fr_3fr] print:grid-cols-1">
          <Table className="text-[13px]">
            <THead>
              <TR>
                <TH className={compact}>{t("kind")}</TH>
                <TH className={`${compact} text-right`}>{t("scheduled")}</TH>
                <TH className={`${compact} text-right`}>{t("run")}</TH>
                <TH className={`${compact} text-right`}>{t("succeeded")}</TH>
                <TH className={`${compact} text-right`}>{t("failed")}</TH>
                <TH className={`${compact} text-right`}>{t("success")}</TH>
              </TR>
            </THead>
            <TBody>
              <CountRow kind={tm("physical")} report={cluster.backups.physical} />
              <CountRow kind={tm("logical")} report={cluster.backups.logical} />
            </TBody>
          </Table>
          <Table className="text-[13px]">
            <THead>
              <TR>
                <TH className={compact}>{t("kind")}</TH>
                <TH className={`${compact} text-right`}>{t("sizeP50")}</TH>
                <TH className={`${compact} text-right`}>{t("sizeP95")}</TH>
                <TH className={`${compact} text-right`}>{t("vsPrev")}</TH>
                <TH className={`${compact} text-right`}>{t("timeP50")}</TH>
                <TH className={`${compact} text-right`}>{t("timeP95")}</TH>
                <TH className={`${compact} text-right`}>{t("vsPrev")}</TH>
              </TR>
            </THead>
            <TBody>
              <SizeRow kind={tm("physical")} report={cluster.backups.physical} />
              <SizeRow kind={tm("logical")} report={cluster.backups.logical} />
            </TBody>
          </Table>
        </div>
      </Section>

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2 print:grid-cols-2">
        <Section title={t("rpo")} id={`rpo-${key}`}>
          <Facts
            rows={[
              [t("target"), formatSeconds(rpo.targetSeconds)],
              [
                t("achieved"),
                <>
                  {formatSeconds(rpo.worstGapSeconds)} <MetBadge met={rpo.met} />
                </>,
              ],
              [t("gapFromTo"), `${when(rpo.worstGapFrom)} → ${when(rpo.worstGapTo)}`],
              ...(rpo.note ? ([[t("note"), rpo.note]] as [string, ReactNode][]) : []),
            ]}
          />
        </Section>
        <Section title={t("wal")} id={`wal-${key}`}>
          <Facts
            rows={[
              [t("covered"), percent(walContinuity.coveredRatio, 2)],
              [t("gaps"), formatCount(walContinuity.gaps.length)],
              [
                t("restorable"),
                `${when(restorableWindow.earliest)} → ${when(restorableWindow.latest)}`,
              ],
              [t("basis"), walContinuity.basis],
            ]}
          />
        </Section>
        <Section title={t("verification")} id={`drills-${key}`}>
          <Facts
            rows={[
              [
                t("verified"),
                t("verifiedDetail", {
                  passed: formatCount(verification.verified),
                  failed: formatCount(verification.failed),
                  unverified: formatCount(verification.unverified),
                }),
              ],
              [
                t("drills"),
                t("drillsDetail", {
                  count: formatCount(drills.count),
                  succeeded: formatCount(drills.succeeded),
                  failed: formatCount(drills.failed),
                }),
              ],
              [t("rtoTarget"), formatSeconds(drills.rtoTargetSeconds)],
              [
                t("rtoMedianMax"),
                <>
                  {formatSeconds(drills.rtoMedianSeconds)} / {formatSeconds(drills.rtoMaxSeconds)}{" "}
                  <MetBadge met={drills.met} />
                </>,
              ],
            ]}
          />
        </Section>
        <Section title={t("alerts321")} id={`alerts-${key}`}>
          <Facts
            rows={[
              [
                t("alerts"),
                t("alertsDetail", {
                  count: formatCount(alerts.count),
                  resolved: formatCount(alerts.resolved),
                  open: formatCount(alerts.open),
                }),
              ],
              [
                t("resolveTime"),
                `${formatSeconds(alerts.resolveMedianSeconds)} / ${formatSeconds(alerts.resolveMaxSeconds)}`,
              ],
              [
                "3-2-1",
                <>
                  {t("copies", {
                    copies: formatCount(threeTwoOne.copies),
                    repositories: formatCount(threeTwoOne.repositories),
                  })}
                  {threeTwoOne.offsite ? t("offsite") : t("noOffsite")}{" "}
                  <MetBadge met={threeTwoOne.met} />
                </>,
              ],
              [t("secondary"), threeTwoOne.secondaryConfigured ? t("configured") : t("notConfigured")],
              [
                "Offsite copy's age",
                `${formatCount(threeTwoOne.media)} media; at the report's end, backup ${formatSeconds(threeTwoOne.offsiteBackupAgeSeconds)}, WAL ${formatSeconds(threeTwoOne.offsiteWalAgeSeconds)}`,
              ],
            ]}
          />
        </Section>
      </div>

      <Section title={t("lag")} id={`lag-${key}`}>
        {cluster.replication.length ? (
          <Table className="text-[13px]">
            <THead>
              <TR>
                <TH className={compact}>{t("standby")}</TH>
                <TH className={`${compact} text-right`}>p50</TH>
                <TH className={`${compact} text-right`}>p95</TH>
                <TH className={`${compact} text-right`}>{t("max")}</TH>
                <TH className={`${compact} text-right`}>{t("maxSeconds")}</TH>
                <TH className={`${compact} text-right`}>
                  {t("minutesOver", { threshold: formatBytes(cluster.replication[0]?.thresholdBytes) })}
                </TH>
                <TH className={`${compact} text-right`}>{t("buckets")}</TH>
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
          <p className="text-sm text-zinc-500">{t("noSamples")}</p>
        )}
      </Section>
    </div>
  );
}
