"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { CronScheduleForm } from "@/components/forms/cron-schedule-form";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { Time } from "@/components/ui/time";
import { errorMessage } from "@/lib/client/fetcher";
import {
  useDeleteVerifySchedule,
  useSaveVerifySchedule,
  useVerifySchedule,
} from "@/lib/client/use-schedules";
import { RemoveButtons } from "./schedule-row";
import { LastOutcome } from "./last-outcome";

/** The weekly verification of the cluster's backups: its own schedule, or none. */
export function VerificationRow({ clusterId, canEdit }: { clusterId: string; canEdit: boolean }) {
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
            <LastOutcome text={schedule.lastOutcome} />
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
