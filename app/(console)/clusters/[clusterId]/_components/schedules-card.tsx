"use client";

import { CronScheduleForm, type CronScheduleValues } from "@/components/forms/cron-schedule-form";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import { Time } from "@/components/ui/time";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { errorMessage } from "@/lib/client/fetcher";
import {
  useDeleteSchedule,
  useSaveSchedule,
  useSchedules,
  type ScheduleKind,
  type ScheduleSummary,
} from "@/lib/client/use-schedules";
import type { BackupFrom } from "@/lib/schemas/schedule";

const kinds: { kind: ScheduleKind; title: string }[] = [
  { kind: "physical", title: "Physical (pg_basebackup)" },
  { kind: "logical", title: "Logical (pg_dump)" },
];

/** The browser's IANA zone, the default for a new schedule (read on click, never during render on the server). */
function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** "2026-11-27T02:00:00+01:00" → "2026-11-27 02:00 +01:00": the wall clock in the schedule's zone. */
function formatFiring(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (!match) return iso;
  const [, date, time, offset] = match;
  return `${date} ${time}${offset ? ` ${offset === "Z" ? "+00:00" : offset}` : ""}`;
}

/** The three choices of backupFrom, a named standby being "standby:" + the name typed. */
type SourceMode = "primary" | "prefer-standby" | "standby";

function splitBackupFrom(from: BackupFrom | undefined): { mode: SourceMode; node: string } {
  if (from?.startsWith("standby:")) return { mode: "standby", node: from.slice("standby:".length) };
  return { mode: from === "prefer-standby" ? "prefer-standby" : "primary", node: "" };
}

/** Where a physical schedule's backups read from: pgBackRest's backup-standby, per schedule. */
function BackupFromField({
  value,
  onChange,
}: {
  value: { mode: SourceMode; node: string };
  onChange: (value: { mode: SourceMode; node: string }) => void;
}) {
  return (
    <div className="mt-3 grid gap-3 sm:grid-cols-2">
      <label className="block text-sm">
        <span className="font-medium text-zinc-800">Back up from</span>
        <Select
          aria-label="Back up from"
          className="mt-1 w-full"
          value={value.mode}
          onChange={(event) => onChange({ ...value, mode: event.target.value as SourceMode })}
          choices={[
            ["primary", "the primary (whichever node it is now)"],
            ["prefer-standby", "a streaming standby, else the primary"],
            ["standby", "a named standby"],
          ]}
        />
      </label>
      {value.mode === "standby" ? (
        <label className="block text-sm">
          <span className="font-medium text-zinc-800">Standby name</span>
          <Input
            aria-label="Standby name"
            className="mt-1 w-full"
            value={value.node}
            placeholder="standby1"
            onChange={(event) => onChange({ ...value, node: event.target.value.trim() })}
          />
        </label>
      ) : null}
    </div>
  );
}

function ScheduleForm({
  clusterId,
  kind,
  schedule,
  onDone,
}: {
  clusterId: string;
  kind: ScheduleKind;
  schedule: ScheduleSummary | undefined;
  onDone: () => void;
}) {
  const mutation = useSaveSchedule(clusterId, kind);
  const [source, setSource] = useState(() => splitBackupFrom(schedule?.backupFrom));
  const backupFrom: BackupFrom =
    source.mode === "standby" ? `standby:${source.node}` : (source.mode satisfies BackupFrom);
  // The shared cron form sends cron, zone and enabled; a physical schedule adds its source.
  const save = {
    ...mutation,
    mutate: (values: CronScheduleValues, options: Parameters<typeof mutation.mutate>[1]) =>
      mutation.mutate(kind === "physical" ? { ...values, backupFrom } : values, options),
  };
  return (
    <>
      {kind === "physical" ? <BackupFromField value={source} onChange={setSource} /> : null}
      <CronScheduleForm
        ariaLabel={`Edit the ${kind} schedule`}
        className="mt-3"
        defaults={
          schedule
            ? { cron: schedule.cron, timezone: schedule.timezone, enabled: schedule.enabled }
            : { cron: "", timezone: browserTimeZone(), enabled: true }
        }
        save={save}
        onDone={onDone}
        cronHint="min hour day month weekday, e.g. 0 2 * * *"
        cronPlaceholder="0 2 * * *"
        enabledHint="A paused schedule keeps its settings but never fires."
      />
    </>
  );
}

function ScheduleRow({
  clusterId,
  kind,
  title,
  schedule,
  canEdit,
}: {
  clusterId: string;
  kind: ScheduleKind;
  title: string;
  schedule: ScheduleSummary | undefined;
  canEdit: boolean;
}) {
  const remove = useDeleteSchedule(clusterId, kind);
  const [editing, setEditing] = useState(false);
  const [confirmingRemove, setConfirmingRemove] = useState(false);

  return (
    <li className="px-4 py-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex flex-wrap items-center gap-1.5">
          <h3 className="text-sm font-medium text-zinc-900">{title}</h3>
          {schedule ? (
            <>
              {schedule.enabled ? <Badge tone="accent">enabled</Badge> : <Badge>paused</Badge>}
              {schedule.preview.missed ? <Badge tone="danger">missed</Badge> : null}
              {schedule.preview.overlapped ? <Badge tone="warning">overlap: skipped</Badge> : null}
            </>
          ) : null}
        </div>
        {canEdit && !editing ? (
          <div className="flex items-center gap-2">
            {schedule && confirmingRemove ? (
              <>
                <span className="text-xs text-zinc-600">Remove this schedule?</span>
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() => setConfirmingRemove(false)}
                  disabled={remove.isPending}
                >
                  Keep
                </Button>
                <Button
                  variant="danger"
                  size="sm"
                  disabled={remove.isPending}
                  onClick={() =>
                    remove.mutate(undefined, {
                      onSuccess: () => {
                        setConfirmingRemove(false);
                        remove.reset();
                      },
                    })
                  }
                >
                  {remove.isPending ? <Spinner /> : null}
                  Remove
                </Button>
              </>
            ) : (
              <>
                <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
                  {schedule ? "Edit" : "Add schedule"}
                </Button>
                {schedule ? (
                  <Button variant="ghost" size="sm" onClick={() => setConfirmingRemove(true)}>
                    Remove
                  </Button>
                ) : null}
              </>
            )}
          </div>
        ) : null}
      </div>

      {schedule ? (
        <DescriptionList termWidth="7rem" className="mt-2">
          <Description term="Cron">
            <code>{schedule.cron}</code>
          </Description>
          <Description term="Time zone">{schedule.timezone}</Description>
          <Description term="When">{schedule.preview.summary}</Description>
          {kind === "physical" ? (
            <Description term="Reads from">
              {schedule.backupFrom === "primary"
                ? "the primary"
                : schedule.backupFrom === "prefer-standby"
                  ? "a streaming standby, else the primary"
                  : `standby ${schedule.backupFrom.slice("standby:".length)}`}
            </Description>
          ) : null}
          <Description term="Next">
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
          <Description term="Last run">
            <Time value={schedule.lastRunAt} empty="never" />
            {schedule.lastOutcome ? <span className="ml-2 text-zinc-600">{schedule.lastOutcome}</span> : null}
            {schedule.preview.missed && schedule.preview.previousExpected ? (
              <span className="block text-xs text-red-700">
                Expected at {formatFiring(schedule.preview.previousExpected)}, did not run.
              </span>
            ) : null}
          </Description>
        </DescriptionList>
      ) : (
        <p className="mt-1 text-sm text-zinc-500">No schedule</p>
      )}

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

/** A cron schedule per backup kind, with its next firings and misfires; admins edit or remove them. */
export function SchedulesCard({ clusterId, canEdit }: { clusterId: string; canEdit: boolean }) {
  const query = useSchedules(clusterId);
  const schedules = query.data;

  return (
    <Card role="region" aria-label="Backup schedules">
      <CardHeader
        title="Backup schedules"
        description="The worker starts a backup each time a schedule fires. Times are in each schedule's own zone."
      />
      {query.isError ? (
        <div className="px-4 pt-3">
          <Alert tone="error" title="Could not load the schedules">
            {errorMessage(query.error)}
          </Alert>
        </div>
      ) : null}
      {schedules ? (
        <ul className="divide-y divide-zinc-100">
          {kinds.map(({ kind, title }) => (
            <ScheduleRow
              key={kind}
              clusterId={clusterId}
              kind={kind}
              title={title}
              schedule={schedules.find((schedule) => schedule.kind === kind)}
              canEdit={canEdit}
            />
          ))}
        </ul>
      ) : query.isPending ? (
        <p className="flex items-center gap-2 px-4 py-4 text-sm text-zinc-500">
          <Spinner /> Loading schedules…
        </p>
      ) : null}
    </Card>
  );
}
