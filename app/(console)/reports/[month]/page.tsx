import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { z } from "zod";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button";
import { formatCount, formatSeconds, formatUtcSeconds } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/page";
import { listClusters } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
import { LAG_THRESHOLD_BYTES } from "@/lib/reports/aggregate";
import { getMonthlyReport, type MonthlyReport } from "@/lib/reports/monthly";
import { clustersForDetail } from "./_components/chart-selection";
import { ClusterSelect } from "./_components/cluster-select";
import { ClusterFigures, MetBadge, percent } from "./_components/figures";
import { BackupsChart, LagChart, RpoChart, RtoChart } from "./_components/report-charts";
import { ReportReady } from "./_components/report-ready";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("reports.month"))("metaTitle") };
}

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const ROOT_ID = "monthly-report";

// A4 paper: no console chrome, full width, charts two by two, sections kept whole.
const PRINT_CSS = `@media print {
  div:has(> aside), aside, header.sticky { display: none !important; }
  main { max-width: none !important; padding: 0 !important; }
  html, body { background: #fff !important; }
  @page { size: A4; margin: 12mm; }
  #${ROOT_ID} { font-size: 12px; }
  #${ROOT_ID} .recharts-legend-wrapper { font-size: 10px; }
  /* A chart measured on a wider screen is cut at its column rather than run off the paper. */
  #${ROOT_ID} [data-report-chart] { overflow: hidden; }
}`;

function monthLabel(month: string, locale: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale === "ko" ? "ko-KR" : "en-US", {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(year, number - 1, 1)));
}

async function loadReport(month: string, clusterId: string | null): Promise<MonthlyReport | AppError> {
  try {
    return await getMonthlyReport({ month, clusterId });
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    // A month that has not begun: say so on the page.
    if (error instanceof AppError && error.code === "unprocessable_entity") return error;
    throw error;
  }
}

function Stat({ label, value, children }: { label: string; value: ReactNode; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-3 py-2.5 break-inside-avoid print:border-zinc-300">
      <p className="text-xs text-zinc-500">{label}</p>
      <p className="mt-0.5 text-lg font-semibold text-zinc-900 tabular-nums">{value}</p>
      {children ? <div className="mt-0.5 text-xs text-zinc-600">{children}</div> : null}
    </div>
  );
}

function apiHref(month: string, clusterId: string | null, format: "pdf" | "csv"): string {
  const query = new URLSearchParams({ month, format });
  if (clusterId) query.set("clusterId", clusterId);
  return `/api/v1/reports/monthly?${query.toString()}`;
}

export default async function MonthlyReportPage({
  params,
  searchParams,
}: {
  params: Promise<{ month: string }>;
  searchParams: Promise<{ clusterId?: string | string[] }>;
}) {
  await requireUser();
  const { month: rawMonth } = await params;
  const month = monthSchema.safeParse(rawMonth);
  if (!month.success) notFound();
  const rawClusterId = (await searchParams).clusterId;
  const parsedClusterId = z.uuid().safeParse(Array.isArray(rawClusterId) ? rawClusterId[0] : rawClusterId);
  if (rawClusterId !== undefined && !parsedClusterId.success) notFound();
  const clusterId = parsedClusterId.success ? parsedClusterId.data : null;

  const [report, clusters] = await Promise.all([loadReport(month.data, clusterId), listClusters()]);
  const t = await getTranslations("reports.month");
  const label = monthLabel(month.data, await getLocale());
  const breadcrumb = (
    <span className="print:hidden">
      <Link href="/reports" className="hover:underline">
        {t("breadcrumb")}
      </Link>{" "}
      / {month.data}
    </span>
  );

  if (report instanceof AppError) {
    // Still "ready" (nothing to draw), so a PDF of it prints the message instead of waiting.
    return (
      <article id={ROOT_ID}>
        <ReportReady rootId={ROOT_ID} />
        <PageHeader breadcrumb={breadcrumb} title={t("title", { month: label })} />
        <Alert tone="warning" title={t("noReport")}>
          {report.message}.
        </Alert>
      </article>
    );
  }

  const single = report.clusters.length === 1 && clusterId !== null;
  const scopeName = clusterId ? (report.clusters[0]?.name ?? t("cluster")) : t("fleet");
  const { fleet } = report;
  // A fleet's PDF stays a few pages: every cluster is in the charts, the CSV and its own report.
  const detail = clustersForDetail(report.clusters);

  const backupRows = single
    ? (["physical", "logical"] as const).map((kind) => {
        const figures = report.clusters[0]!.backups[kind];
        return {
          label: kind === "physical" ? t("physical") : t("logical"),
          scheduled: figures.scheduled,
          succeeded: figures.succeeded,
          failed: figures.failed,
        };
      })
    : report.clusters.map((cluster) => {
        const { physical, logical } = cluster.backups;
        return {
          label: cluster.name,
          scheduled: physical.scheduled + logical.scheduled,
          succeeded: physical.succeeded + logical.succeeded,
          failed: physical.failed + logical.failed,
        };
      });
  const lagRows = report.clusters.flatMap((cluster) =>
    cluster.replication.map((lag) => ({
      label: single ? lag.standby : `${cluster.name} / ${lag.standby}`,
      p50: lag.replayBytesP50,
      p95: lag.replayBytesP95,
      max: lag.replayBytesMax,
    })),
  );
  const rtoRows = report.clusters.map((cluster) => ({
    label: cluster.name,
    median: cluster.drills.rtoMedianSeconds,
    max: cluster.drills.rtoMaxSeconds,
    target: cluster.drills.rtoTargetSeconds,
  }));
  const rpoRows = report.clusters.map((cluster) => ({
    label: cluster.name,
    worstGap: cluster.rpo.worstGapSeconds,
    target: cluster.rpo.targetSeconds,
  }));

  return (
    <article id={ROOT_ID} data-report-month={report.month} className="print:text-black">
      <style href="walden-report-print" precedence="default">
        {PRINT_CSS}
      </style>
      <ReportReady rootId={ROOT_ID} />
      <PageHeader
        breadcrumb={breadcrumb}
        title={t("title", { month: label })}
        description={
          <>
            <span className="font-medium text-zinc-900" data-testid="report-scope">
              {scopeName}
            </span>
            {" · "}
            {report.snapshot ? (
              <>
                {t("finished", { time: formatUtcSeconds(report.snapshot.createdAt) })}{" "}
                <span className="font-mono text-xs break-all">{report.snapshot.sha256}</span>
              </>
            ) : (
              <>{t("inProgress", { time: formatUtcSeconds(report.generatedAt) })}</>
            )}
            {" · "}
            {t("utc")}
          </>
        }
        actions={
          <div className="flex flex-wrap items-center gap-2 print:hidden">
            <ClusterSelect
              month={report.month}
              clusters={clusters.map(({ id, name }) => ({ id, name }))}
              value={clusterId}
              labels={{ scope: t("scope"), fleet: t("fleet") }}
            />
            <a
              href={apiHref(report.month, clusterId, "pdf")}
              className={buttonClasses({ variant: "primary" })}
            >
              {t("downloadPdf")}
            </a>
            <a href={apiHref(report.month, clusterId, "csv")} className={buttonClasses()}>
              {t("downloadCsv")}
            </a>
          </div>
        }
      />

      {report.clusters.length === 0 ? (
        <Alert tone="info" title={t("noClustersTitle")}>
          {t("noClusters", { month: label })}
        </Alert>
      ) : (
        <>
          <section
            aria-label={t("summary")}
            className="mb-5 grid grid-cols-2 gap-3 md:grid-cols-4 print:grid-cols-4"
          >
            <Stat label={t("successRate")} value={percent(fleet.successRate)}>
              {t("successDetail", {
                succeeded: formatCount(fleet.backupsSucceeded),
                failed: formatCount(fleet.backupsFailed),
                run: formatCount(fleet.backupsRun),
                scheduled: formatCount(fleet.backupsScheduled),
              })}
            </Stat>
            <Stat label={t("rpoMet")} value={`${fleet.rpoMet} / ${fleet.clusters}`}>
              {t("largestGap", { gap: formatSeconds(fleet.worstGapSeconds) })}
            </Stat>
            <Stat label={t("drills")} value={`${fleet.drillsSucceeded} / ${fleet.drills}`}>
              {t("drillsDetail", { met: fleet.rtoMet, clusters: fleet.clusters })}
            </Stat>
            <Stat label={t("alerts")} value={formatCount(fleet.alerts)}>
              {Object.entries(fleet.alertsBySeverity)
                .map(([severity, count]) => t("alertsCount", { count, severity }))
                .join(", ") || t("alertsNone")}
              {t("threeTwoOne", { met: fleet.threeTwoOneMet, clusters: fleet.clusters })}
            </Stat>
          </section>

          <section
            aria-label={t("charts")}
            className="mb-6 grid grid-cols-1 gap-3 lg:grid-cols-2 print:grid-cols-2"
          >
            <BackupsChart rows={backupRows} />
            <RpoChart rows={rpoRows} />
            <RtoChart rows={rtoRows} />
            {lagRows.length ? (
              <LagChart rows={lagRows} thresholdBytes={LAG_THRESHOLD_BYTES} />
            ) : (
              <div className="rounded-lg border border-zinc-200 bg-white px-3 py-3 text-sm text-zinc-500">
                {t("noLag")}
              </div>
            )}
          </section>

          <div className="space-y-6">
            {detail.hidden > 0 ? (
              <p className="text-sm text-zinc-600" data-testid="report-detail-note">
                {t("detailNote", { shown: detail.shown.length, total: detail.total })}
              </p>
            ) : null}
            {detail.shown.map((cluster) => (
              <section
                key={cluster.clusterId}
                aria-labelledby={`cluster-${cluster.clusterId}`}
                className="rounded-lg border border-zinc-200 bg-white px-4 py-4 print:break-before-page print:border-zinc-300"
              >
                <h2
                  id={`cluster-${cluster.clusterId}`}
                  className="mb-3 flex items-center gap-2 text-base font-semibold text-zinc-900"
                >
                  {cluster.name}
                  <MetBadge met={cluster.rpo.met} yes={t("rpoMetBadge")} no={t("rpoMissed")} />
                  <MetBadge met={cluster.drills.met} yes={t("rtoMetBadge")} no={t("rtoMissed")} />
                </h2>
                <ClusterFigures cluster={cluster} />
              </section>
            ))}
          </div>
        </>
      )}
    </article>
  );
}
