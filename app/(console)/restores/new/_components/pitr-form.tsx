"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type ChangeEvent } from "react";
import { useForm, useWatch } from "react-hook-form";
import { PlanPreview } from "@/components/restores/plan-preview";
import { RestoreWindowTimeline, type TimelineEvent } from "@/components/restores/restore-window-timeline";
import {
  allTimeZones,
  COMMON_TIME_ZONES,
  formatInZone,
  instantToZonedWallTime,
  toUtcIso,
  wallTimeCeil,
  wallTimeFloor,
  zonedWallTimeToInstant,
} from "@/components/restores/zoned-time";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { describedBy, Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { errorMessage, fieldIssues } from "@/lib/client/fetcher";
import { useRestoreWindow } from "@/lib/client/use-backups";
import { isoTimeWithOffsetSchema } from "@/lib/schemas/restore";
import { EventFinder, eventTitle } from "./event-finder";
import { ACTIONS, RadioOption, TARGET_TYPES } from "./options";
import {
  buildPitrRequest,
  fieldForPath,
  targetInstant,
  type PitrField,
  type PitrFormValues,
  type PitrRequestBody,
  type TargetType,
} from "./request";
import { ReviewDialog } from "./review-dialog";
import {
  useBrowserTimeZone,
  useHydrated,
  usePlanPreview,
  useStartRestore,
  useTableEvents,
  type FoundEvent,
  type TableEventsParams,
} from "./use-pitr";

export interface RestoreClusterChoice {
  id: string;
  name: string;
  /** The database Walden connects to: the default for the psql command and the check. */
  database: string;
}

/** From the address: ?clusterId=…&target=xid&value=…&inclusive=false ("restore to just before" links). */
export interface PitrPrefill {
  clusterId?: string;
  target?: { type: TargetType; value?: string; inclusive?: boolean };
}

const FIELD_NAMES: Record<PitrField, string> = {
  clusterId: "Cluster",
  targetType: "Restore to",
  timeLocal: "Date and time",
  timeZone: "Time zone",
  xid: "Transaction id",
  lsn: "LSN",
  name: "Restore point name",
  inclusive: "Inclusive",
  action: "At the target",
  backupId: "Backup",
  timeline: "Timeline",
  database: "Database",
  checkSql: "Check SQL",
  ttlHours: "Keep the instance for (hours)",
};

function defaults(clusters: RestoreClusterChoice[], prefill: PitrPrefill): PitrFormValues {
  const values: PitrFormValues = {
    clusterId: clusters.find((cluster) => cluster.id === prefill.clusterId)?.id ?? clusters[0]?.id ?? "",
    targetType: "time",
    timeLocal: "",
    timeZone: "",
    xid: "",
    lsn: "",
    name: "",
    inclusive: true,
    action: "promote",
    backupId: "",
    timeline: "",
    database: "",
    checkSql: "",
    ttlHours: 24,
  };
  const target = prefill.target;
  if (!target) return values;
  values.targetType = target.type;
  values.inclusive = target.inclusive ?? target.type !== "xid";
  const value = target.value?.trim() ?? "";
  if (target.type === "time") {
    // A prefilled instant is shown in UTC, so it reads the same however the browser is set.
    const parsed = isoTimeWithOffsetSchema.safeParse(value);
    if (parsed.success) {
      values.timeZone = "UTC";
      values.timeLocal = instantToZonedWallTime(Date.parse(parsed.data), "UTC");
    }
  } else if (target.type === "xid" || target.type === "lsn" || target.type === "name") {
    values[target.type] = value;
  }
  return values;
}

const textareaClasses =
  "block w-full rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-xs text-zinc-900 shadow-xs ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-emerald-600 focus:outline-none aria-[invalid=true]:ring-red-400";

export function PitrForm({ clusters, prefill }: { clusters: RestoreClusterChoice[]; prefill: PitrPrefill }) {
  const router = useRouter();
  const id = useId();
  const fid = (name: string) => `${id}-${name}`;
  const hydrated = useHydrated();
  const browserZone = useBrowserTimeZone();
  const {
    register,
    control,
    setValue,
    setError,
    clearErrors,
    getValues,
    handleSubmit,
    formState: { errors },
  } = useForm<PitrFormValues>({ defaultValues: defaults(clusters, prefill) });
  const values = useWatch({ control }) as PitrFormValues;
  const timeZone = values.timeZone || browserZone;
  const cluster = clusters.find((candidate) => candidate.id === values.clusterId);

  const windowQuery = useRestoreWindow(values.clusterId);
  const restoreWindow = windowQuery.data;
  const [eventSearch, setEventSearch] = useState<TableEventsParams | null>(null);
  const eventsQuery = useTableEvents(values.clusterId, eventSearch);
  const foundEvents = eventSearch ? (eventsQuery.data?.events ?? []) : [];

  const previewRequest = buildPitrRequest(values, timeZone, false);
  const preview = usePlanPreview(previewRequest.ok ? previewRequest.body : null);
  const startRestore = useStartRestore();
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
    label: eventTitle(event),
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

  const idle = !values.clusterId
    ? "Register a cluster first."
    : previewRequest.ok
      ? null
      : `${previewRequest.problems[0]?.field === "root" ? "" : `${FIELD_NAMES[previewRequest.problems[0]!.field as PitrField]}: `}${previewRequest.problems[0]?.message ?? ""}`;
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
    const built = buildPitrRequest(form, timeZone, true);
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
      onError: (error) => {
        const targetType = getValues("targetType");
        for (const issue of fieldIssues(error)) {
          const field = fieldForPath(issue.path, targetType);
          setError(field, {
            type: "server",
            message: field === "root" && issue.path ? `${issue.path}: ${issue.message}` : issue.message,
          });
        }
      },
    });
  };

  const text = (name: PitrField, hint?: boolean) => describedBy(fid(name), errors[name]?.message, hint);
  const showsInclusive =
    values.targetType === "time" || values.targetType === "xid" || values.targetType === "lsn";

  return (
    <>
      <div className="grid items-start gap-5 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <form onSubmit={onReview} noValidate aria-label="Point-in-time restore" className="space-y-5">
          <Card aria-labelledby={fid("target-title")}>
            <CardHeader
              id={fid("target-title")}
              title="What to restore"
              description="A new instance is restored from a base backup and the archived WAL; the cluster's servers are not touched."
            />
            <CardBody className="space-y-4">
              <Field
                id={fid("clusterId")}
                label="Cluster"
                error={errors.clusterId?.message}
                className="max-w-sm"
              >
                <Select
                  id={fid("clusterId")}
                  {...text("clusterId")}
                  {...register("clusterId", {
                    onChange: () => {
                      setValue("backupId", "");
                      setValue("timeline", "");
                      setEventSearch(null);
                    },
                  })}
                >
                  {clusters.map((choice) => (
                    <option key={choice.id} value={choice.id}>
                      {choice.name}
                    </option>
                  ))}
                </Select>
              </Field>

              {windowQuery.isError && !restoreWindow ? (
                <Alert tone="warning" title="The restorable window is not known yet">
                  {errorMessage(windowQuery.error)}
                </Alert>
              ) : restoreWindow ? (
                <>
                  <RestoreWindowTimeline
                    restoreWindow={restoreWindow}
                    timeZone={timeZone}
                    target={targetMs}
                    targetLabel={chosenEvent ? `just before transaction ${chosenEvent.xid}` : undefined}
                    events={timelineEvents}
                    onPick={pickTime}
                  />
                  {restoreWindow.problems.length > 0 ? (
                    <Alert tone="warning" title="The archive has problems">
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

              <fieldset
                className="space-y-1.5"
                aria-describedby={errors.targetType ? fid("targetType-error") : undefined}
              >
                <legend className="mb-1 text-xs font-medium text-zinc-700">Restore to</legend>
                <div className="grid gap-1.5 sm:grid-cols-2">
                  {TARGET_TYPES.map((option) => (
                    <RadioOption
                      key={option.value}
                      value={option.value}
                      title={option.title}
                      hint={option.hint}
                      registration={register("targetType", {
                        onChange: (event: ChangeEvent<HTMLInputElement>) =>
                          setValue("inclusive", event.target.value !== "xid"),
                      })}
                    />
                  ))}
                </div>
                {errors.targetType?.message ? (
                  <p id={fid("targetType-error")} className="text-xs text-red-600">
                    {errors.targetType.message}
                  </p>
                ) : null}
              </fieldset>

              {values.targetType === "time" ? (
                <div className="space-y-2">
                  <div className="grid gap-3 sm:grid-cols-[minmax(0,15rem)_minmax(0,15rem)_1fr] sm:items-start">
                    <Field
                      id={fid("timeLocal")}
                      label="Date and time"
                      error={errors.timeLocal?.message}
                      hint={
                        earliest !== null && latest !== null
                          ? `Restorable: within the green ranges above.`
                          : undefined
                      }
                    >
                      <Input
                        id={fid("timeLocal")}
                        type="datetime-local"
                        step={1}
                        min={earliest !== null ? wallTimeCeil(earliest, timeZone) : undefined}
                        max={latest !== null ? wallTimeFloor(latest, timeZone) : undefined}
                        {...text("timeLocal", earliest !== null && latest !== null)}
                        {...register("timeLocal")}
                      />
                    </Field>
                    <Field id={fid("timeZone")} label="Time zone">
                      <Select id={fid("timeZone")} value={timeZone} onChange={changeZone}>
                        {zones.map((zone) => (
                          <option key={zone} value={zone}>
                            {zone}
                            {zone === browserZone && hydrated ? " (this browser)" : ""}
                          </option>
                        ))}
                      </Select>
                    </Field>
                    <div className="space-y-1">
                      <span className="block text-xs font-medium text-zinc-700">In UTC</span>
                      <output
                        htmlFor={`${fid("timeLocal")} ${fid("timeZone")}`}
                        aria-label="Target in UTC"
                        aria-live="polite"
                        className="flex h-8.5 items-center font-mono text-sm text-zinc-900"
                      >
                        {instant ? toUtcIso(instant.ms) : "—"}
                      </output>
                    </div>
                  </div>
                  {instant?.kind === "skipped" ? (
                    <Alert tone="warning">
                      {values.timeLocal.replace("T", " ")} does not exist in {timeZone} (the clocks were set
                      forward); it is read as {formatInZone(instant.ms, timeZone)}.
                    </Alert>
                  ) : instant?.kind === "ambiguous" ? (
                    <Alert tone="warning">
                      {values.timeLocal.replace("T", " ")} happens twice in {timeZone} (the clocks were set
                      back); the first is used, {toUtcIso(instant.ms)}. The second is{" "}
                      {toUtcIso(instant.laterMs!)}.
                    </Alert>
                  ) : null}
                  {earliest !== null && latest !== null ? (
                    <p className="text-xs text-zinc-500 tabular-nums">
                      Window in {timeZone}: {formatInZone(earliest, timeZone)} …{" "}
                      {formatInZone(latest, timeZone)}
                    </p>
                  ) : null}
                </div>
              ) : values.targetType === "xid" ? (
                <Field
                  id={fid("xid")}
                  label="Transaction id"
                  error={errors.xid?.message}
                  hint="Find it with the event finder, or in the server log (log_line_prefix %x)."
                  className="max-w-xs"
                >
                  <Input
                    id={fid("xid")}
                    inputMode="numeric"
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="748213"
                    {...text("xid", true)}
                    {...register("xid")}
                  />
                </Field>
              ) : values.targetType === "lsn" ? (
                <Field id={fid("lsn")} label="LSN" error={errors.lsn?.message} className="max-w-xs">
                  <Input
                    id={fid("lsn")}
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="0/3000060"
                    {...text("lsn")}
                    {...register("lsn")}
                  />
                </Field>
              ) : values.targetType === "name" ? (
                <Field
                  id={fid("name")}
                  label="Restore point name"
                  error={errors.name?.message}
                  className="max-w-xs"
                >
                  <Input
                    id={fid("name")}
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="before-upgrade"
                    {...text("name")}
                    {...register("name")}
                  />
                </Field>
              ) : null}

              {showsInclusive ? (
                <label className="flex items-start gap-2 text-sm">
                  <input
                    type="checkbox"
                    aria-label="Inclusive"
                    aria-describedby={fid("inclusive-hint")}
                    className="mt-0.5 accent-emerald-700"
                    {...register("inclusive")}
                  />
                  <span>
                    Inclusive
                    <span id={fid("inclusive-hint")} className="block text-xs text-zinc-500">
                      {values.targetType === "xid"
                        ? "Checked: the transaction itself is replayed. Unchecked: recovery stops just before it."
                        : values.targetType === "lsn"
                          ? "Checked: stop just after the record at this LSN. Unchecked: just before it."
                          : "Checked: transactions that committed exactly at this time are kept. Unchecked: stop just before them."}
                    </span>
                  </span>
                </label>
              ) : null}
            </CardBody>
          </Card>

          <Card aria-labelledby={fid("action-title")}>
            <CardHeader id={fid("action-title")} title="At the target" />
            <CardBody>
              <fieldset className="space-y-1.5">
                <legend className="sr-only">What the restored instance does at the target</legend>
                {ACTIONS.map((option) => (
                  <RadioOption
                    key={option.value}
                    value={option.value}
                    title={option.title}
                    hint={option.hint}
                    registration={register("action")}
                  />
                ))}
              </fieldset>
            </CardBody>
          </Card>

          <Card>
            <details className="group">
              <summary className="cursor-pointer px-4 py-3 text-sm font-semibold text-zinc-900">
                Advanced
              </summary>
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
                    {(restoreWindow?.timelines ?? []).map((timeline) => (
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
                  hint={`For the psql command and the check; empty: ${cluster?.database ?? "the cluster's"}.`}
                >
                  <Input
                    id={fid("database")}
                    autoComplete="off"
                    spellCheck={false}
                    placeholder={cluster?.database}
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
            </details>
          </Card>

          {errors.root?.message ? <Alert tone="error">{errors.root.message}</Alert> : null}
          <div className="flex items-center justify-end gap-3">
            {!canReview && previewRequest.ok && preview.refusal ? (
              <span className="text-xs text-red-700">Pick a target the plan can reach.</span>
            ) : null}
            <Button type="submit" variant="primary" disabled={!canReview}>
              Review restore
            </Button>
          </div>
        </form>

        <div className="space-y-5 lg:sticky lg:top-4">
          <Card aria-labelledby={fid("plan-title")}>
            <CardHeader
              id={fid("plan-title")}
              title="Plan"
              description="What the worker will do, checked as you edit."
            />
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
              title="Event finder"
              description="When was the table dropped, truncated or emptied? Reads the archived WAL."
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
