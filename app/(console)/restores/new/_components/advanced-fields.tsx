"use client";

import type { FieldKit } from "@/components/forms/field-kit";
import { formatInZone } from "@/components/restores/zoned-time";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import type { StoredRestoreWindow } from "@/lib/wal/stored-window";
import type { PitrFormValues } from "./request";

// The PITR form's "Advanced" part: which backup and timeline, the database the check runs in,
// how long the instance is kept, and the check query.

const textareaClasses =
  "block w-full rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-xs text-zinc-900 shadow-xs ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-emerald-600 focus:outline-none aria-[invalid=true]:ring-red-400";

export function AdvancedFields({
  kit: { register, errors, fid, text },
  backups,
  timelines,
  timeZone,
  defaultDatabase,
}: {
  kit: FieldKit<PitrFormValues>;
  backups: StoredRestoreWindow["backups"];
  timelines: StoredRestoreWindow["timelines"];
  timeZone: string;
  defaultDatabase: string | undefined;
}) {
  return (
    <div className="grid gap-4 border-t border-zinc-200 px-4 py-4 sm:grid-cols-2">
      <Field
        id={fid("backupId")}
        label="Backup"
        error={errors.backupId?.message}
        hint="Automatic: the newest backup that reaches the target."
      >
        <Select id={fid("backupId")} {...text("backupId", true)} {...register("backupId")}>
          <option value="">Automatic</option>
          {backups.map((backup) => (
            <option key={backup.id} value={backup.id}>
              {backup.label ?? backup.id.slice(0, 8)} · finished{" "}
              {backup.finishedAt ? formatInZone(Date.parse(backup.finishedAt), timeZone) : "?"}
              {backup.restorableFrom ? "" : " · as soon as consistent only"}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        id={fid("timeline")}
        label="Timeline"
        error={errors.timeline?.message}
        hint="Automatic: the timeline the archive was checked along."
      >
        <Select id={fid("timeline")} {...text("timeline", true)} {...register("timeline")}>
          <option value="">Automatic</option>
          <option value="latest">latest</option>
          <option value="current">current (the backup&apos;s)</option>
          {timelines.map((timeline) => (
            <option key={timeline.timeline} value={String(timeline.timeline)}>
              {timeline.timeline}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        id={fid("database")}
        label="Database"
        error={errors.database?.message}
        hint={`For the psql command and the check; empty: ${defaultDatabase ?? "the cluster's"}.`}
      >
        <Input
          id={fid("database")}
          autoComplete="off"
          spellCheck={false}
          placeholder={defaultDatabase}
          {...text("database", true)}
          {...register("database")}
        />
      </Field>
      <Field
        id={fid("ttlHours")}
        label="Keep the instance for (hours)"
        error={errors.ttlHours?.message}
        hint="1–168; then it is stopped and its data directory deleted."
      >
        <Input
          id={fid("ttlHours")}
          type="number"
          inputMode="numeric"
          min={1}
          max={168}
          {...text("ttlHours", true)}
          {...register("ttlHours", { valueAsNumber: true })}
        />
      </Field>
      <Field
        id={fid("checkSql")}
        label="Check SQL (optional)"
        error={errors.checkSql?.message}
        hint="One read-only SELECT run on the restored instance; its answer is kept with the restore."
        className="sm:col-span-2"
      >
        <textarea
          id={fid("checkSql")}
          rows={3}
          spellCheck={false}
          placeholder="select count(*) from public.orders"
          className={textareaClasses}
          {...text("checkSql", true)}
          {...register("checkSql")}
        />
      </Field>
    </div>
  );
}
