"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { CronScheduleForm, type CronScheduleValues } from "@/components/forms/cron-schedule-form";
import { Input, Select } from "@/components/ui/input";
import {
  useSaveSchedule,
  type ScheduleKind,
  type ScheduleSummary,
  type ScheduleUpdate,
} from "@/lib/client/use-schedules";
import type { BackupFrom } from "@/lib/schemas/schedule";

// One backup schedule's form (schedules-card.tsx): its name, where a physical backup reads from or
// what a logical dump takes, then the shared cron form.

/** The browser's IANA zone, the default for a new schedule (read on click, never during render on the server). */
function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
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

export function stringList(value: unknown): string[] {
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

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="block text-sm">
      <span className="font-medium text-zinc-800">{label}</span>
      {children}
    </label>
  );
}

export function ScheduleForm({
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
