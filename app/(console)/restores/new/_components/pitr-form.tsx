"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useState, type ChangeEvent } from "react";
import { useForm, useWatch } from "react-hook-form";
import { PlanPreview } from "@/components/restores/plan-preview";
import { RestoreWindowTimeline, type TimelineEvent } from "@/components/restores/restore-window-timeline";
import {
  allTimeZones,
  COMMON_TIME_ZONES,
  instantToZonedWallTime,
  zonedWallTimeToInstant,
} from "@/components/restores/zoned-time";
import { ClusterField } from "@/components/clusters/cluster-field";
import { rootIssue } from "@/components/forms/issues";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { RadioCard } from "@/components/ui/choice";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { useErrorMessage } from "@/components/forms/error-message";
import { useRestoreWindow } from "@/lib/client/use-backups";
import { useFormat } from "@/components/ui/use-format";
import { AdvancedFields } from "./advanced-fields";
import { EventFinder, eventTitle } from "./event-finder";
import { ACTIONS } from "./options";
import {
  buildPitrRequest,
  fieldForPath,
  pitrFormDefaults,
  targetInstant,
  type PitrField,
  type PitrFormValues,
  type PitrPrefill,
  type PitrRequestBody,
} from "./request";

export type { PitrPrefill };
import { ReviewDialog } from "./review-dialog";
import { SourceFields } from "./source-fields";
import { TargetFields } from "./target-fields";
import {
  useBrowserTimeZone,
  useHydrated,
  usePlanPreview,
  useStartRestore,
  useTableEvents,
  type FoundEvent,
  type TableEventsParams,
} from "@/lib/client/use-pitr";

export interface RestoreClusterChoice {
  id: string;
  name: string;
  /** The database Walden connects to: the default for the psql command and the check. */
  database: string;
}

export function PitrForm({ clusters, prefill }: { clusters: RestoreClusterChoice[]; prefill: PitrPrefill }) {
  const t = useTranslations("restores.pitr");
  const errorMessage = useErrorMessage();
  const { formatCount } = useFormat();
  const messages = { pickTime: t("pickTime"), fullTime: t("fullTime") };
  const router = useRouter();
  const hydrated = useHydrated();
  const browserZone = useBrowserTimeZone();
  const form = useForm<PitrFormValues>({ defaultValues: pitrFormDefaults(clusters, prefill) });
  const {
    register,
    control,
    setValue,
    setError,
    clearErrors,
    getValues,
    handleSubmit,
    formState: { errors },
  } = form;
  const id = useId();
  const fid = (name: string) => `${id}-${name}`;
  const values = useWatch({ control }) as PitrFormValues;
  const timeZone = values.timeZone || browserZone;
  const cluster = clusters.find((candidate) => candidate.id === values.clusterId);

  const windowQuery = useRestoreWindow(values.clusterId);
  const restoreWindow = windowQuery.data;
  const [eventSearch, setEventSearch] = useState<TableEventsParams | null>(null);
  const eventsQuery = useTableEvents(values.clusterId, eventSearch);
  const foundEvents = eventSearch ? (eventsQuery.data?.events ?? []) : [];

  const previewRequest = buildPitrRequest(values, timeZone, false, messages);
  const preview = usePlanPreview(previewRequest.ok ? previewRequest.body : null);
  const startRestore = useStartRestore();
  // The review dialog shows the refusal itself; field problems go under the form's controls.
  const server = useServerErrors(startRestore, setError, (issue) => {
    const field = fieldForPath(issue.path, getValues("targetType"));
    return field === "root" ? rootIssue(issue.path, issue.message) : { field, message: issue.message };
  });
  const [review, setReview] = useState<{ body: PitrRequestBody; plan: (typeof preview)["plan"] } | null>(
    null,
  );

  const instant = values.targetType === "time" ? targetInstant(values, timeZone) : null;
  const chosenEvent =
    values.targetType === "xid"
      ? foundEvents.find((event) => String(event.restoreTarget.value) === values.xid.trim())
      : undefined;
  const targetMs =
    instant?.ms ??
    (chosenEvent ? Date.parse(chosenEvent.commitTime) : null) ??
    (preview.current && preview.plan?.toTime ? Date.parse(preview.plan.toTime) : null);
  const timelineEvents: TimelineEvent[] = foundEvents.map((event) => ({
    key: `${event.xid}-${event.commitLsn}`,
    at: event.commitTime,
    kind: event.kind,
    label: eventTitle(t, event, formatCount),
    active: event === chosenEvent,
  }));

  const earliest = restoreWindow?.earliest ? Date.parse(restoreWindow.earliest) : null;
  const latest = restoreWindow?.latest ? Date.parse(restoreWindow.latest) : null;
  const zones = hydrated ? allTimeZones() : [...COMMON_TIME_ZONES];
  if (!zones.includes(timeZone)) zones.unshift(timeZone);
  if (browserZone !== "UTC" && zones.includes(browserZone)) {
    zones.splice(zones.indexOf(browserZone), 1);
    zones.splice(1, 0, browserZone);
  }
  const backups = (restoreWindow?.backups ?? []).filter(
    (backup) => backup.restorableFrom || (values.targetType === "immediate" && backup.walComplete),
  );

  const firstProblem = previewRequest.ok ? null : previewRequest.problems[0];
  const idle = !values.clusterId
    ? t("registerFirst")
    : !firstProblem
      ? null
      : firstProblem.field === "root"
        ? firstProblem.message
        : t("fieldProblem", {
            field: t(`fields.${firstProblem.field as PitrField}`),
            message: firstProblem.message,
          });
  const canReview =
    previewRequest.ok && !preview.checking && (preview.current || preview.unchecked) && !preview.refusal;

  const changeZone = (event: ChangeEvent<HTMLSelectElement>) => {
    const next = event.target.value;
    // The target stays the same instant; only the clock it is read on changes.
    const current = values.timeLocal ? zonedWallTimeToInstant(values.timeLocal, timeZone) : null;
    if (current) setValue("timeLocal", instantToZonedWallTime(current.ms, next));
    setValue("timeZone", next);
  };

  const pickTime = (ms: number) => {
    setValue("targetType", "time");
    setValue("inclusive", true);
    setValue("timeLocal", instantToZonedWallTime(ms, timeZone));
    clearErrors("timeLocal");
  };

  const chooseEvent = (event: FoundEvent) => {
    setValue("targetType", "xid");
    setValue("xid", String(event.restoreTarget.value));
    setValue("inclusive", false);
    clearErrors(["xid", "targetType"]);
  };

  const onReview = handleSubmit((form) => {
    const built = buildPitrRequest(form, timeZone, true, messages);
    if (!built.ok) {
      for (const problem of built.problems)
        setError(problem.field, { type: "validate", message: problem.message });
      return;
    }
    startRestore.reset();
    setReview({ body: built.body, plan: preview.current ? preview.plan : null });
  });

  const onStart = () => {
    if (!review) return;
    startRestore.mutate(review.body, {
      onSuccess: (queued) => router.push(`/restores/${queued.id}`),
      onError: server.onError,
    });
  };

  return (
    <>
      <div className="grid items-start gap-5 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <form onSubmit={onReview} noValidate aria-label={t("formLabel")} className="space-y-5">
          <Card aria-labelledby={fid("target-title")}>
            <CardHeader id={fid("target-title")} title={t("whatTitle")} description={t("whatDescription")} />
            <CardBody className="space-y-4">
              <ClusterField
                form={form}
                name="clusterId"
                clusters={clusters}
                className="max-w-sm"
                options={{
                  onChange: () => {
                    setValue("backupId", "");
                    setValue("timeline", "");
                    setValue("source", "");
                    setValue("identity", "");
                    setEventSearch(null);
                  },
                }}
              />

              {windowQuery.isError && !restoreWindow ? (
                <Alert tone="warning" title={t("windowUnknown")}>
                  {errorMessage(windowQuery.error)}
                </Alert>
              ) : restoreWindow ? (
                <>
                  <RestoreWindowTimeline
                    restoreWindow={restoreWindow}
                    timeZone={timeZone}
                    target={targetMs}
                    targetLabel={
                      chosenEvent ? t("justBeforeXid", { xid: String(chosenEvent.xid) }) : undefined
                    }
                    events={timelineEvents}
                    onPick={pickTime}
                  />
                  {restoreWindow.problems.length > 0 ? (
                    <Alert tone="warning" title={t("archiveProblems")}>
                      <ul className="list-disc space-y-0.5 pl-4">
                        {restoreWindow.problems.map((problem, index) => (
                          <li key={index}>{problem}</li>
                        ))}
                      </ul>
                    </Alert>
                  ) : null}
                </>
              ) : values.clusterId ? (
                <div aria-busy="true" className="h-24 animate-pulse rounded bg-zinc-50" />
              ) : null}

              <TargetFields
                form={form}
                values={values}
                setValue={setValue}
                time={{ instant, timeZone, zones, browserZone, hydrated, earliest, latest, changeZone }}
              />
              {values.clusterId ? (
                <SourceFields form={form} clusterId={values.clusterId} source={values.source} />
              ) : null}
            </CardBody>
          </Card>

          <Card aria-labelledby={fid("action-title")}>
            <CardHeader id={fid("action-title")} title={t("atTarget")} />
            <CardBody>
              <fieldset className="space-y-1.5">
                <legend className="sr-only">{t("atTargetLegend")}</legend>
                {ACTIONS.map((option) => (
                  <RadioCard
                    key={option}
                    value={option}
                    title={t(`actions.${option}.title`)}
                    hint={t(`actions.${option}.hint`)}
                    {...register("action")}
                  />
                ))}
              </fieldset>
            </CardBody>
          </Card>

          <Card>
            <details className="group">
              <summary className="cursor-pointer px-4 py-3 text-sm font-semibold text-zinc-900">
                {t("advancedTitle")}
              </summary>
              <AdvancedFields
                form={form}
                backups={backups}
                timelines={restoreWindow?.timelines ?? []}
                timeZone={timeZone}
                defaultDatabase={cluster?.database}
              />
            </details>
          </Card>

          <FormErrors root={errors.root?.message} />
          <div className="flex items-center justify-end gap-3">
            {!canReview && previewRequest.ok && preview.refusal ? (
              <span className="text-xs text-red-700">{t("pickReachable")}</span>
            ) : null}
            <Button type="submit" variant="primary" disabled={!canReview}>
              {t("review")}
            </Button>
          </div>
        </form>

        <div className="space-y-5 lg:sticky lg:top-4">
          <Card aria-labelledby={fid("plan-title")}>
            <CardHeader id={fid("plan-title")} title={t("planTitle")} description={t("planDescription")} />
            <CardBody>
              <PlanPreview
                plan={preview.plan}
                refusal={preview.refusal}
                error={preview.error}
                checking={preview.checking}
                idle={idle}
                timeZone={timeZone}
              />
            </CardBody>
          </Card>
          <Card aria-labelledby={fid("events-title")}>
            <CardHeader
              id={fid("events-title")}
              title={t("events.title")}
              description={t("events.description")}
            />
            <CardBody>
              {values.clusterId ? (
                <EventFinder
                  key={values.clusterId}
                  clusterId={values.clusterId}
                  timeZone={timeZone}
                  windowFrom={restoreWindow?.earliest ?? null}
                  params={eventSearch}
                  onSearch={setEventSearch}
                  chosenXid={values.targetType === "xid" ? values.xid.trim() : null}
                  onChoose={chooseEvent}
                />
              ) : null}
            </CardBody>
          </Card>
        </div>
      </div>

      <ReviewDialog
        open={review !== null}
        onClose={() => setReview(null)}
        body={review?.body ?? null}
        plan={review?.plan ?? null}
        clusterName={cluster?.name ?? values.clusterId}
        timeZone={timeZone}
        pending={startRestore.isPending || startRestore.isSuccess}
        error={startRestore.error}
        onStart={onStart}
      />
    </>
  );
}
