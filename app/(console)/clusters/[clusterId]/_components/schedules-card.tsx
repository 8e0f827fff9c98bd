"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { CronScheduleForm, type CronScheduleValues } from "@/components/forms/cron-schedule-form";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { Input, Select } from "@/components/ui/input";
import { Time } from "@/components/ui/time";
import { errorMessage } from "@/lib/client/fetcher";
import {
  useDeleteSchedule,
  useDeleteVerifySchedule,
  useSaveSchedule,
  useSaveVerifySchedule,
  useSchedules,
  useVerifySchedule,
  type ScheduleKind,
  type ScheduleSummary,
  type ScheduleUpdate,
} from "@/lib/client/use-schedules";
import type { BackupFrom } from "@/lib/schemas/schedule";

// The cluster's backup schedules, several per kind (a daily full dump and an hourly dump of
// chosen tables), each with its own cron, options and switch; and its verification schedule.
// Admins add, edit and remove them.

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

/** "public.orders, sales.*" → ["public.orders", "sales.*"]. */
function splitList(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** What a logical schedule's form edits of its options: the database and the chosen tables and schemas. */
interface LogicalChoice {
  database: string;
  tables: string;
  schemas: string;
}

function logicalChoiceOf(schedule: ScheduleSummary | undefined): LogicalChoice {
  const options = schedule?.options ?? {};
  return {
    database: typeof options.database === "string" ? options.database : "",
    tables: stringList(options.tables).join(", "),
    schemas: stringList(options.schemas).join(", "),
  };
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="block text-sm">
      <span className="font-medium text-zinc-800">{label}</span>
      {children}
    </label>
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
  const t = useTranslations("schedules");
  const mutation = useSaveSchedule(clusterId, kind, schedule?.id ?? null);
  const [name, setName] = useState(schedule?.name ?? "");
  const [source, setSource] = useState(() => splitBackupFrom(schedule?.backupFrom));
  const [logical, setLogical] = useState(() => logicalChoiceOf(schedule));
  const backupFrom: BackupFrom =
    source.mode === "standby" ? `standby:${source.node}` : (source.mode satisfies BackupFrom);
  // The shared cron form sends cron, zone and enabled; this adds the name, and the source
  // (physical) or the database, tables and schemas (logical) over the options it already has.
  const save = {
    ...mutation,
    mutate: (values: CronScheduleValues, options: Parameters<typeof mutation.mutate>[1]) => {
      const body: ScheduleUpdate = { ...values, name: name.trim() || null };
      if (kind === "physical") body.backupFrom = backupFrom;
      else {
        const rest = { ...(schedule?.options ?? {}) };
        delete rest.database;
        body.options = {
          ...rest,
          ...(logical.database.trim() ? { database: logical.database.trim() } : {}),
          tables: splitList(logical.tables),
          schemas: splitList(logical.schemas),
        };
      }
      mutation.mutate(body, options);
    },
  };
  return (
    <div className="mt-3 space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label={t("name")}>
          <Input
            aria-label={t("name")}
            className="mt-1 w-full"
            value={name}
            maxLength={60}
            placeholder={t("namePlaceholder")}
            onChange={(event) => setName(event.target.value)}
          />
        </Field>
        {kind === "physical" ? (
          <Field label={t("backupFrom")}>
            <Select
              aria-label={t("backupFrom")}
              className="mt-1 w-full"
              value={source.mode}
              onChange={(event) => setSource({ ...source, mode: event.target.value as SourceMode })}
              choices={[
                ["primary", t("fromPrimary")],
                ["prefer-standby", t("fromPreferStandby")],
                ["standby", t("fromNamedStandby")],
              ]}
            />
          </Field>
        ) : (
          <Field label={t("database")}>
            <Input
              aria-label={t("database")}
              className="mt-1 w-full"
              value={logical.database}
              placeholder={t("databasePlaceholder")}
              onChange={(event) => setLogical({ ...logical, database: event.target.value })}
            />
          </Field>
        )}
        {kind === "physical" && source.mode === "standby" ? (
          <Field label={t("standbyName")}>
            <Input
              aria-label={t("standbyName")}
              className="mt-1 w-full"
              value={source.node}
              placeholder="standby1"
              onChange={(event) => setSource({ ...source, node: event.target.value.trim() })}
            />
          </Field>
        ) : null}
        {kind === "logical" ? (
          <>
            <Field label={t("tables")}>
              <Input
                aria-label={t("tables")}
                className="mt-1 w-full font-mono"
                value={logical.tables}
                placeholder="public.orders, public.order_*"
                onChange={(event) => setLogical({ ...logical, tables: event.target.value })}
              />
              <span className="mt-1 block text-xs text-zinc-500">{t("tablesHint")}</span>
            </Field>
            <Field label={t("schemas")}>
              <Input
                aria-label={t("schemas")}
                className="mt-1 w-full font-mono"
                value={logical.schemas}
                placeholder="sales"
                onChange={(event) => setLogical({ ...logical, schemas: event.target.value })}
              />
            </Field>
          </>
        ) : null}
      </div>
      <CronScheduleForm
        ariaLabel={schedule ? t("editAria", { kind }) : t("addAria", { kind })}
        defaults={
          schedule
            ? { cron: schedule.cron, timezone: schedule.timezone, enabled: schedule.enabled }
            : { cron: "", timezone: browserTimeZone(), enabled: true }
        }
        save={save}
        onDone={onDone}
        cronHint={t("cronHint")}
        cronPlaceholder="0 2 * * *"
        enabledHint={t("enabledHint")}
      />
    </div>
  );
}

function RemoveButtons({ pending, onRemove }: { pending: boolean; onRemove: (done: () => void) => void }) {
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

function ScheduleRow({
  clusterId,
  schedule,
  canEdit,
}: {
  clusterId: string;
  schedule: ScheduleSummary;
  canEdit: boolean;
}) {
  const t = useTranslations("schedules");
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
        <Description term={t("when")}>{schedule.preview.summary}</Description>
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
          {schedule.lastOutcome ? <span className="ml-2 text-zinc-600">{schedule.lastOutcome}</span> : null}
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

/** "Add a schedule": the kind first, then the form of that kind. */
function AddSchedule({ clusterId }: { clusterId: string }) {
  const t = useTranslations("schedules");
  const [kind, setKind] = useState<ScheduleKind | null>(null);
  if (!kind)
    return (
      <div className="flex flex-wrap items-center gap-2 px-4 py-3">
        <Button variant="secondary" size="sm" onClick={() => setKind("physical")}>
          {t("addPhysical")}
        </Button>
        <Button variant="secondary" size="sm" onClick={() => setKind("logical")}>
          {t("addLogical")}
        </Button>
      </div>
    );
  return (
    <div className="px-4 py-3">
      <h3 className="text-sm font-medium text-zinc-900">
        {t("newTitle", { kind: kind === "physical" ? t("physicalTitle") : t("logicalTitle") })}
      </h3>
      <ScheduleForm clusterId={clusterId} kind={kind} schedule={undefined} onDone={() => setKind(null)} />
    </div>
  );
}

/** The weekly verification of the cluster's backups: its own schedule, or none. */
function VerificationRow({ clusterId, canEdit }: { clusterId: string; canEdit: boolean }) {
  const t = useTranslations("schedules");
  const query = useVerifySchedule(clusterId);
  const save = useSaveVerifySchedule(clusterId);
  const remove = useDeleteVerifySchedule(clusterId);
  const [editing, setEditing] = useState(false);
  const schedule = query.data;
  if (query.isPending) return null;
  return (
    <div className="border-t border-zinc-100 px-4 py-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex flex-wrap items-center gap-1.5">
          <h3 className="text-sm font-medium text-zinc-900">{t("verificationTitle")}</h3>
          {schedule ? (
            schedule.enabled ? (
              <Badge tone="accent">{t("enabled")}</Badge>
            ) : (
              <Badge>{t("paused")}</Badge>
            )
          ) : null}
        </div>
        {canEdit && !editing ? (
          <div className="flex items-center gap-2">
            <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
              {schedule ? t("edit") : t("addVerification")}
            </Button>
            {schedule ? (
              <RemoveButtons
                pending={remove.isPending}
                onRemove={(done) => remove.mutate(undefined, { onSuccess: done })}
              />
            ) : null}
          </div>
        ) : null}
      </div>
      <p className="mt-1 text-sm text-zinc-600">{t("verificationDescription")}</p>
      {schedule ? (
        <DescriptionList termWidth="7rem" className="mt-2">
          <Description term={t("cron")}>
            <code>{schedule.cron}</code>
          </Description>
          <Description term={t("timeZone")}>{schedule.timezone}</Description>
          <Description term={t("next")}>
            <Time value={schedule.nextRunAt} empty="—" />
          </Description>
          <Description term={t("lastRun")}>
            <Time value={schedule.lastRunAt} empty={t("never")} />
            {schedule.lastOutcome ? <span className="ml-2 text-zinc-600">{schedule.lastOutcome}</span> : null}
          </Description>
        </DescriptionList>
      ) : (
        <p className="mt-1 text-sm text-zinc-500">{t("noVerification")}</p>
      )}
      {remove.isError ? (
        <Alert tone="error" className="mt-2">
          {errorMessage(remove.error)}
        </Alert>
      ) : null}
      {editing ? (
        <CronScheduleForm
          ariaLabel={t("editVerificationAria")}
          className="mt-3"
          defaults={schedule ?? { cron: "0 4 * * 0", timezone: "UTC", enabled: true }}
          save={save}
          onDone={() => setEditing(false)}
          cronHint={t("cronHint")}
          cronPlaceholder="0 4 * * 0"
          enabledHint={t("enabledHint")}
        />
      ) : null}
    </div>
  );
}

/** Cron schedules of either backup kind, several per kind, with their next firings and misfires; admins edit them. */
export function SchedulesCard({ clusterId, canEdit }: { clusterId: string; canEdit: boolean }) {
  const t = useTranslations("schedules");
  const query = useSchedules(clusterId);
  const schedules = query.data;

  return (
    <Card role="region" aria-label={t("title")}>
      <CardHeader title={t("title")} description={t("description")} />
      {query.isError ? (
        <div className="px-4 pt-3">
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(query.error)}
          </Alert>
        </div>
      ) : null}
      {schedules ? (
        <>
          {schedules.length ? (
            <ul className="divide-y divide-zinc-100">
              {schedules.map((schedule) => (
                <ScheduleRow key={schedule.id} clusterId={clusterId} schedule={schedule} canEdit={canEdit} />
              ))}
            </ul>
          ) : (
            <p className="px-4 py-3 text-sm text-zinc-500">{t("none")}</p>
          )}
          {canEdit ? <AddSchedule clusterId={clusterId} /> : null}
        </>
      ) : query.isPending ? (
        <p className="flex items-center gap-2 px-4 py-4 text-sm text-zinc-500">
          <Spinner /> {t("loading")}
        </p>
      ) : null}
      <VerificationRow clusterId={clusterId} canEdit={canEdit} />
    </Card>
  );
}
