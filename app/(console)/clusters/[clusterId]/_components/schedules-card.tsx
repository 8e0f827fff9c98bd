"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { errorMessage } from "@/lib/client/fetcher";
import { useSchedules, type ScheduleKind } from "@/lib/client/use-schedules";
import { ScheduleForm } from "./schedule-form";
import { ScheduleRow } from "./schedule-row";
import { VerificationRow } from "./verification-schedule-row";

// The cluster's backup schedules, several per kind (a daily full dump and an hourly dump of
// chosen tables), each with its own cron, options and switch; and its verification schedule.
// Admins add, edit and remove them. One schedule's view is schedule-row.tsx, its form
// schedule-form.tsx, the verification schedule verification-schedule-row.tsx.

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
