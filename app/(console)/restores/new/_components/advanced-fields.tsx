"use client";

import { useTranslations } from "next-intl";
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
  const t = useTranslations("restores.pitr.advanced");
  return (
    <div className="grid gap-4 border-t border-zinc-200 px-4 py-4 sm:grid-cols-2">
      <FormField form={form} name="backupId" label={t("backup")} hint={t("backupHint")}>
        {(control) => (
          <Select {...control}>
            <option value="">{t("automatic")}</option>
            {backups.map((backup) => (
              <option key={backup.id} value={backup.id}>
                {backup.label ?? backup.id.slice(0, 8)} ·{" "}
                {t("finished", {
                  time: backup.finishedAt ? formatInZone(Date.parse(backup.finishedAt), timeZone) : "?",
                })}
                {backup.restorableFrom ? "" : ` · ${t("consistentOnly")}`}
              </option>
            ))}
          </Select>
        )}
      </FormField>
      <FormField form={form} name="timeline" label={t("timeline")} hint={t("timelineHint")}>
        {(control) => (
          <Select
            choices={[
              ["", t("automatic")],
              "latest",
              ["current", t("current")],
              ...timelines.map((timeline) => String(timeline.timeline)),
            ]}
            {...control}
          />
        )}
      </FormField>
      <FormField
        form={form}
        name="database"
        label={t("database")}
        hint={t("databaseHint", { database: defaultDatabase ?? t("clustersDatabase") })}
      >
        {(control) => (
          <Input autoComplete="off" spellCheck={false} placeholder={defaultDatabase} {...control} />
        )}
      </FormField>
      <FormField
        form={form}
        name="ttlHours"
        options={{ valueAsNumber: true }}
        label={t("ttl")}
        hint={t("ttlHint")}
      >
        {(control) => <Input type="number" inputMode="numeric" min={1} max={168} {...control} />}
      </FormField>
      <FormField
        form={form}
        name="checkSql"
        label={t("checkSql")}
        hint={t("checkSqlHint")}
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
