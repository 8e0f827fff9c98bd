"use client";

import { CronScheduleForm } from "@/components/forms/cron-schedule-form";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { formatRto } from "@/components/restores/describe";
import { RestoreProgress, RestoreStatusBadge } from "@/components/restores/restore-status";
import {
  isRestoreActive,
  useDrills,
  useRunDrill,
  useSaveDrillSchedule,
  type DrillScheduleView,
  type RestoreView,
} from "@/lib/client/use-restores";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader, EmptyState } from "@/components/ui/card";
import { formatUtcSeconds } from "@/components/ui/format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { errorMessage } from "@/lib/client/fetcher";
import { cronReading } from "./cron-reading";
import { LastOutcome } from "./last-outcome";

const HISTORY_SHOWN = 10;

function ScheduleForm({
  clusterId,
  schedule,
  onDone,
}: {
  clusterId: string;
  schedule: DrillScheduleView;
  onDone: () => void;
}) {
  const t = useTranslations("cluster.drills");
  const save = useSaveDrillSchedule(clusterId);
  return (
    <CronScheduleForm
      ariaLabel={t("formLabel")}
      defaults={{ cron: schedule.cron, timezone: schedule.timezone, enabled: schedule.enabled }}
      save={save}
      onDone={onDone}
      cronHint={t("cronHint")}
      enabledHint={t("enabledHint")}
    />
  );
}

function ScheduleView({ schedule }: { schedule: DrillScheduleView }) {
  const t = useTranslations("cluster.drills");
  const locale = useLocale();
  return (
    <DescriptionList termWidth="7rem">
      <Description term={t("when")} className="flex flex-wrap items-center gap-1.5">
        <span>{cronReading(schedule.cron, schedule.timezone, locale)}</span>
        <code className="text-xs text-zinc-500">{schedule.cron}</code>
        {schedule.enabled ? <Badge tone="accent">{t("enabled")}</Badge> : <Badge>{t("paused")}</Badge>}
        {schedule.isDefault ? <Badge>{t("default")}</Badge> : null}
      </Description>
      <Description term={t("next")}>
        {schedule.nextRunAt ? (
          <time dateTime={schedule.nextRunAt} className="tabular-nums">
            {formatUtcSeconds(schedule.nextRunAt)}
          </time>
        ) : (
          <span className="text-zinc-400">{schedule.enabled ? "—" : t("neverPaused")}</span>
        )}
      </Description>
      <Description term={t("lastRun")}>
        <Time value={schedule.lastRunAt} empty={t("neverBySchedule")} />
        <LastOutcome text={schedule.lastOutcome} />
      </Description>
    </DescriptionList>
  );
}

function reachedTime(drill: RestoreView): string | null {
  return drill.reached?.time ?? null;
}

function DrillHistory({ drills, clusterName }: { drills: RestoreView[]; clusterName: string }) {
  const t = useTranslations("cluster.drills");
  return (
    <Table aria-label={t("historyLabel", { name: clusterName })} className="text-[13px]">
      <THead>
        <tr>
          <TH>{t("started")}</TH>
          <TH>{t("status")}</TH>
          <TH className="text-right">{t("rto")}</TH>
          <TH>{t("reached")}</TH>
          <TH>{t("by")}</TH>
          <TH>{t("restore")}</TH>
        </tr>
      </THead>
      <TBody>
        {drills.map((drill) => {
          const reached = reachedTime(drill);
          return (
            <TR key={drill.id} data-restore-id={drill.id}>
              <TD>
                <Time value={drill.startedAt ?? drill.createdAt} />
              </TD>
              <TD>
                <span className="flex flex-col items-start gap-1">
                  <RestoreStatusBadge restore={drill} />
                  {drill.status === "running" ? (
                    <RestoreProgress value={drill.progress} etaSeconds={drill.etaSeconds} />
                  ) : null}
                  {drill.status === "failed" && drill.error ? (
                    <span title={drill.error} className="block max-w-64 truncate text-xs text-red-700">
                      {drill.error}
                    </span>
                  ) : null}
                </span>
              </TD>
              <TD className="text-right whitespace-nowrap tabular-nums">{formatRto(drill.rtoMs)}</TD>
              <TD className="whitespace-nowrap">
                {reached ? (
                  <time dateTime={reached} className="tabular-nums" title={drill.reached?.lsn ?? undefined}>
                    {formatUtcSeconds(reached)}
                  </time>
                ) : drill.reached?.lsn ? (
                  <code className="text-[13px]">{drill.reached.lsn}</code>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </TD>
              <TD className="text-zinc-600">
                <span title={drill.requestedBy} className="block max-w-40 truncate">
                  {drill.requestedBy}
                </span>
              </TD>
              <TD>
                <Link href={`/restores/${drill.id}`} className="text-emerald-800 hover:underline">
                  <code className="text-[13px]">{drill.id.slice(0, 8)}</code>
                </Link>
              </TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}

/**
 * Restore drills of one cluster: the schedule (admins edit it), "Run drill now" for operators,
 * and the history with each drill's RTO: the evidence that the backups restore.
 */
export function DrillsCard({
  clusterId,
  clusterName,
  canRun,
  canEditSchedule,
}: {
  clusterId: string;
  clusterName: string;
  canRun: boolean;
  canEditSchedule: boolean;
}) {
  const t = useTranslations("cluster.drills");
  const query = useDrills(clusterId);
  const run = useRunDrill(clusterId);
  const [editing, setEditing] = useState(false);
  const data = query.data;
  const running = data?.history.some((drill) => isRestoreActive(drill.status)) ?? false;
  const shown = data?.history.slice(0, HISTORY_SHOWN) ?? [];

  return (
    <Card role="region" aria-label={t("title")}>
      <CardHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <ButtonLink href={`/restores/new?clusterId=${clusterId}`} size="sm">
              {t("pitr")}
            </ButtonLink>
            {canRun ? (
              <Button
                variant="primary"
                size="sm"
                disabled={run.isPending || running}
                title={running ? t("alreadyRunning") : undefined}
                onClick={() => run.mutate()}
              >
                {run.isPending ? <Spinner /> : null}
                {t("runNow")}
              </Button>
            ) : null}
          </>
        }
      />
      <CardBody className="space-y-4">
        {query.isError ? (
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(query.error)}
          </Alert>
        ) : null}
        {run.isError ? (
          <Alert tone="error" title={t("notStarted")}>
            {errorMessage(run.error)}
          </Alert>
        ) : null}
        {run.isSuccess ? (
          <p role="status" className="text-sm text-zinc-600">
            {t("queued")}{" "}
            <Link href={`/restores/${run.data.id}`} className="text-emerald-800 hover:underline">
              {t("follow")}
            </Link>{" "}
            {t("orWatch")}
          </p>
        ) : null}
        {data ? (
          <div className="space-y-3">
            <div className="flex items-start justify-between gap-3">
              <h3 className="text-sm font-medium text-zinc-900">{t("schedule")}</h3>
              {canEditSchedule && !editing ? (
                <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
                  {t("editSchedule")}
                </Button>
              ) : null}
            </div>
            <ScheduleView schedule={data.schedule} />
            {editing ? (
              <ScheduleForm clusterId={clusterId} schedule={data.schedule} onDone={() => setEditing(false)} />
            ) : null}
          </div>
        ) : query.isPending ? (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner /> {t("loading")}
          </p>
        ) : null}
      </CardBody>
      {data ? (
        <div className="border-t border-zinc-200">
          <div className="flex items-center justify-between px-4 pt-3 pb-1">
            <h3 className="text-sm font-medium text-zinc-900">{t("history")}</h3>
            {data.history.length > HISTORY_SHOWN ? (
              <Link href="/restores" className="text-xs text-emerald-800 hover:underline">
                {t("allRestores")}
              </Link>
            ) : null}
          </div>
          {shown.length ? (
            <DrillHistory drills={shown} clusterName={clusterName} />
          ) : (
            <EmptyState title={t("none")}>
              {data.schedule.enabled && data.schedule.nextRunAt
                ? t("nextStarts", { at: formatUtcSeconds(data.schedule.nextRunAt) })
                : null}
            </EmptyState>
          )}
        </div>
      ) : null}
    </Card>
  );
}
