import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { ClusterStatusBadge } from "@/components/clusters/cluster-status-badge";
import { Badge } from "@/components/ui/badge";
import { useFormat } from "@/components/ui/use-format";
import type { ClusterListItem } from "@/lib/schemas/cluster";
import { useSafetyReasonText } from "./use-safety-reason";

// One cluster on the overview: safe or at risk with the reasons, then the figures behind it.
// A card that wraps (no table), so it reads the same on a phone.

function Figure({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-zinc-500">{term}</dt>
      <dd className="text-sm break-words text-zinc-900">{children}</dd>
    </div>
  );
}

const none = <span className="text-zinc-400">—</span>;

function LastBackup({ cluster }: { cluster: ClusterListItem }) {
  const t = useTranslations("overview.cluster");
  const { formatSeconds, formatUtcSeconds } = useFormat();
  const { lastBackup, rpo } = cluster;
  if (!lastBackup) return <span className="text-red-700">{t("noneYet")}</span>;
  const late = rpo.achievedSeconds !== null && rpo.achievedSeconds > rpo.targetSeconds;
  return (
    <>
      <Link href={`/backups/${lastBackup.id}`} className="text-emerald-800 hover:underline">
        {t("ago", { age: formatSeconds(lastBackup.ageSeconds) })}
      </Link>{" "}
      <span className={late ? "text-red-700" : "text-zinc-500"}>
        {t("rpoTarget", { target: formatSeconds(rpo.targetSeconds) })}
      </span>
      <span className="block text-xs text-zinc-500 tabular-nums">
        {formatUtcSeconds(lastBackup.finishedAt)}
      </span>
    </>
  );
}

function RestoreWindow({ window }: { window: ClusterListItem["restoreWindow"] }) {
  const t = useTranslations("overview.cluster");
  const { formatUtcSeconds } = useFormat();
  if (!window) return <span className="text-zinc-500">{t("notComputed")}</span>;
  if (window.error) return <span className="text-red-700">{t("archiveUnreadable")}</span>;
  if (!window.earliest) return <span className="text-red-700">{t("nothingRestorable")}</span>;
  return (
    <span className="tabular-nums">
      {formatUtcSeconds(window.earliest)} → {window.latest ? formatUtcSeconds(window.latest) : "?"}
      {window.gaps ? <span className="block text-red-700">{t("gaps", { count: window.gaps })}</span> : null}
    </span>
  );
}

function Archiver({ archiver }: { archiver: ClusterListItem["archiver"] }) {
  const t = useTranslations("overview.cluster");
  if (!archiver) return none;
  if (archiver.failing)
    return (
      <span className="text-red-700">
        {t("failing")}
        {archiver.lastFailedWal ? ` (${archiver.lastFailedWal})` : ""}
      </span>
    );
  return (
    <span>
      {t("ok")}
      {archiver.failedCount ? (
        <span className="text-zinc-500"> · {t("failuresSinceReset", { count: archiver.failedCount })}</span>
      ) : null}
    </span>
  );
}

function LastDrill({ drill }: { drill: ClusterListItem["lastDrill"] }) {
  const t = useTranslations("overview.cluster");
  const status = useTranslations("common.status");
  const { formatSeconds } = useFormat();
  if (!drill) return <span className="text-zinc-500">{t("noDrill")}</span>;
  const slow = drill.rtoSeconds !== null && drill.rtoSeconds > drill.rtoTargetSeconds;
  return (
    <>
      <Link
        href={`/restores/${drill.id}`}
        className={
          drill.status === "succeeded" ? "text-emerald-800 hover:underline" : "text-red-700 underline"
        }
      >
        {status.has(drill.status as never) ? status(drill.status as never) : drill.status}
      </Link>
      {drill.rtoSeconds !== null ? (
        <span className={slow ? "text-red-700" : "text-zinc-500"}>
          {" "}
          ·{" "}
          {t("rto", { rto: formatSeconds(drill.rtoSeconds), target: formatSeconds(drill.rtoTargetSeconds) })}
        </span>
      ) : null}
    </>
  );
}

export function FleetClusterCard({ cluster }: { cluster: ClusterListItem }) {
  const t = useTranslations("overview.cluster");
  const reasonText = useSafetyReasonText();
  const { formatBytes, formatSeconds } = useFormat();
  const safe = cluster.safety.state === "safe";
  const { critical, warning } = cluster.firingAlerts;
  return (
    <li
      aria-label={cluster.name}
      className={`rounded-lg bg-white p-4 shadow-sm ring-1 ${safe ? "ring-zinc-200" : "ring-red-300"}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <Link
          href={`/clusters/${cluster.id}`}
          className="font-semibold break-all text-emerald-800 hover:underline"
        >
          {cluster.name}
        </Link>
        <Badge tone={safe ? "success" : "danger"}>{safe ? t("safe") : t("atRisk")}</Badge>
        <ClusterStatusBadge status={cluster.status} />
      </div>
      {cluster.safety.reasonCodes.length ? (
        <ul aria-label={t("why")} className="mt-2 list-disc space-y-0.5 pl-5 text-sm text-red-800">
          {cluster.safety.reasonCodes.map((reason) => (
            <li key={reason.code}>{reasonText(reason)}</li>
          ))}
        </ul>
      ) : null}
      <dl className="mt-3 grid grid-cols-1 gap-x-4 gap-y-2 sm:grid-cols-2 xl:grid-cols-3">
        <Figure term={t("lastBackup")}>
          <LastBackup cluster={cluster} />
        </Figure>
        <Figure term={t("restorableWindow")}>
          <RestoreWindow window={cluster.restoreWindow} />
        </Figure>
        <Figure term={t("worstLag")}>
          {cluster.replicationLag ? (
            <span className="tabular-nums">
              {formatBytes(cluster.replicationLag.bytes)} · {formatSeconds(cluster.replicationLag.seconds)}
            </span>
          ) : (
            <span className="text-zinc-500">{t("noStandbys")}</span>
          )}
        </Figure>
        <Figure term={t("archiver")}>
          <Archiver archiver={cluster.archiver} />
        </Figure>
        <Figure term={t("lastDrill")}>
          <LastDrill drill={cluster.lastDrill} />
        </Figure>
        <Figure term={t("firingAlerts")}>
          {critical || warning ? (
            <Link href="/alerts" className="hover:underline">
              {critical ? <span className="text-red-700">{t("critical", { count: critical })}</span> : null}
              {critical && warning ? " · " : null}
              {warning ? <span className="text-amber-800">{t("warning", { count: warning })}</span> : null}
            </Link>
          ) : (
            <span className="text-zinc-500">{t("none")}</span>
          )}
        </Figure>
      </dl>
    </li>
  );
}
