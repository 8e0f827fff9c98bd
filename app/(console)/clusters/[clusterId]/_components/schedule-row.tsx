"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { Time } from "@/components/ui/time";
import { errorMessage } from "@/lib/client/fetcher";
import { useDeleteSchedule, type ScheduleSummary } from "@/lib/client/use-schedules";
import { cronReading } from "./cron-reading";
import { ScheduleForm, stringList } from "./schedule-form";
import { LastOutcome } from "./last-outcome";

// One backup schedule as the schedules card lists it: its cron and zone, what it backs up, its
// next firings and last run; an admin edits or removes it in place.

/** "2026-11-27T02:00:00+01:00" → "2026-11-27 02:00 +01:00": the wall clock in the schedule's zone. */
function formatFiring(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (!match) return iso;
  const [, date, time, offset] = match;
  return `${date} ${time}${offset ? ` ${offset === "Z" ? "+00:00" : offset}` : ""}`;
}

/** Remove, then a confirmation in place: Keep or Remove. */
export function RemoveButtons({
  pending,
  onRemove,
}: {
  pending: boolean;
  onRemove: (done: () => void) => void;
}) {
  const t = useTranslations("schedules");
  const [confirming, setConfirming] = useState(false);
  if (!confirming)
    return (
      <Button variant="ghost" size="sm" onClick={() => setConfirming(true)}>
        {t("remove")}
      </Button>
    );
  return (
    <>
      <span className="text-xs text-zinc-600">{t("removeConfirm")}</span>
      <Button variant="secondary" size="sm" onClick={() => setConfirming(false)} disabled={pending}>
        {t("keep")}
      </Button>
      <Button
        variant="danger"
        size="sm"
        disabled={pending}
        onClick={() => onRemove(() => setConfirming(false))}
      >
        {pending ? <Spinner /> : null}
        {t("remove")}
      </Button>
    </>
  );
}

export function ScheduleRow({
  clusterId,
  schedule,
  canEdit,
}: {
  clusterId: string;
  schedule: ScheduleSummary;
  canEdit: boolean;
}) {
  const t = useTranslations("schedules");
  const locale = useLocale();
  const remove = useDeleteSchedule(clusterId, schedule.id);
  const [editing, setEditing] = useState(false);
  const kind = schedule.kind;
  const tables = stringList(schedule.options.tables);
  const schemas = stringList(schedule.options.schemas);
  const database = typeof schedule.options.database === "string" ? schedule.options.database : null;

  return (
    <li className="px-4 py-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex min-w-0 flex-wrap items-center gap-1.5">
          <h3 className="text-sm font-medium text-zinc-900">
            {kind === "physical" ? t("physicalTitle") : t("logicalTitle")}
            {schedule.name ? (
              <span className="ml-1.5 font-normal text-zinc-600">· {schedule.name}</span>
            ) : null}
          </h3>
          {schedule.enabled ? <Badge tone="accent">{t("enabled")}</Badge> : <Badge>{t("paused")}</Badge>}
          {schedule.preview.missed ? <Badge tone="danger">{t("missed")}</Badge> : null}
          {schedule.preview.overlapped ? <Badge tone="warning">{t("overlapSkipped")}</Badge> : null}
        </div>
        {canEdit && !editing ? (
          <div className="flex items-center gap-2">
            <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
              {t("edit")}
            </Button>
            <RemoveButtons
              pending={remove.isPending}
              onRemove={(done) => remove.mutate(undefined, { onSuccess: done })}
            />
          </div>
        ) : null}
      </div>

      <DescriptionList termWidth="7rem" className="mt-2">
        <Description term={t("cron")}>
          <code>{schedule.cron}</code>
        </Description>
        <Description term={t("timeZone")}>{schedule.timezone}</Description>
        <Description term={t("when")}>{cronReading(schedule.cron, schedule.timezone, locale)}</Description>
        {kind === "physical" ? (
          <Description term={t("readsFrom")}>
            {schedule.backupFrom === "primary"
              ? t("readsPrimary")
              : schedule.backupFrom === "prefer-standby"
                ? t("fromPreferStandby")
                : t("readsStandby", { name: schedule.backupFrom.slice("standby:".length) })}
          </Description>
        ) : (
          <Description term={t("dumps")}>
            <span className="break-all">
              {database ? t("dumpDatabase", { database }) : t("dumpDefaultDatabase")}
              {tables.length ? ` · ${t("dumpTables", { list: tables.join(", ") })}` : ""}
              {schemas.length ? ` · ${t("dumpSchemas", { list: schemas.join(", ") })}` : ""}
              {!tables.length && !schemas.length ? ` · ${t("dumpEverything")}` : ""}
            </span>
          </Description>
        )}
        <Description term={t("next")}>
          {schedule.preview.next.length ? (
            <ul className="tabular-nums">
              {schedule.preview.next.map((iso) => (
                <li key={iso}>
                  <time dateTime={iso}>{formatFiring(iso)}</time>
                </li>
              ))}
            </ul>
          ) : (
            <span className="text-zinc-400">—</span>
          )}
        </Description>
        <Description term={t("lastRun")}>
          <Time value={schedule.lastRunAt} empty={t("never")} />
          <LastOutcome text={schedule.lastOutcome} />
          {schedule.preview.missed && schedule.preview.previousExpected ? (
            <span className="block text-xs text-red-700">
              {t("expectedAt", { at: formatFiring(schedule.preview.previousExpected) })}
            </span>
          ) : null}
        </Description>
      </DescriptionList>

      {remove.isError ? (
        <Alert tone="error" className="mt-2">
          {errorMessage(remove.error)}
        </Alert>
      ) : null}

      {editing ? (
        <ScheduleForm
          clusterId={clusterId}
          kind={kind}
          schedule={schedule}
          onDone={() => setEditing(false)}
        />
      ) : null}
    </li>
  );
}
