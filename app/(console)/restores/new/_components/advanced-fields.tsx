"use client";

import { FormField } from "@/components/forms/form-field";
import { formatInZone } from "@/components/restores/zoned-time";
import { Input, Select, Textarea } from "@/components/ui/input";
import type { StoredRestoreWindow } from "@/lib/schemas/restore-window";
import type { PitrForm } from "./target-fields";

// The PITR form's "Advanced" part: which backup and timeline, the database the check runs in,
// how long the instance is kept, and the check query.

export function AdvancedFields({
  form,
  backups,
  timelines,
  timeZone,
  defaultDatabase,
}: {
  form: PitrForm;
  backups: StoredRestoreWindow["backups"];
  timelines: StoredRestoreWindow["timelines"];
  timeZone: string;
  defaultDatabase: string | undefined;
}) {
  return (
    <div className="grid gap-4 border-t border-zinc-200 px-4 py-4 sm:grid-cols-2">
      <FormField
        form={form}
        name="backupId"
        label="Backup"
        hint="Automatic: the newest backup that reaches the target."
      >
        {(control) => (
          <Select {...control}>
            <option value="">Automatic</option>
            {backups.map((backup) => (
              <option key={backup.id} value={backup.id}>
                {backup.label ?? backup.id.slice(0, 8)} · finished{" "}
                {backup.finishedAt ? formatInZone(Date.parse(backup.finishedAt), timeZone) : "?"}
                {backup.restorableFrom ? "" : " · as soon as consistent only"}
              </option>
            ))}
          </Select>
        )}
      </FormField>
      <FormField
        form={form}
        name="timeline"
        label="Timeline"
        hint="Automatic: the timeline the archive was checked along."
      >
        {(control) => (
          <Select
            choices={[
              ["", "Automatic"],
              "latest",
              ["current", "current (the backup's)"],
              ...timelines.map((timeline) => String(timeline.timeline)),
            ]}
            {...control}
          />
        )}
      </FormField>
      <FormField
        form={form}
        name="database"
        label="Database"
        hint={`For the psql command and the check; empty: ${defaultDatabase ?? "the cluster's"}.`}
      >
        {(control) => (
          <Input autoComplete="off" spellCheck={false} placeholder={defaultDatabase} {...control} />
        )}
      </FormField>
      <FormField
        form={form}
        name="ttlHours"
        options={{ valueAsNumber: true }}
        label="Keep the instance for (hours)"
        hint="1–168; then it is stopped and its data directory deleted."
      >
        {(control) => <Input type="number" inputMode="numeric" min={1} max={168} {...control} />}
      </FormField>
      <FormField
        form={form}
        name="checkSql"
        label="Check SQL (optional)"
        hint="One read-only SELECT run on the restored instance; its answer is kept with the restore."
        className="sm:col-span-2"
      >
        {(control) => (
          <Textarea
            rows={3}
            spellCheck={false}
            placeholder="select count(*) from public.orders"
            {...control}
          />
        )}
      </FormField>
    </div>
  );
}
