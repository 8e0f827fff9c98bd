import { useTranslations } from "next-intl";
import { useFinding } from "@/components/i18n/use-finding";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/button";
import type { Formatters } from "@/components/ui/format";
import { useFormat } from "@/components/ui/use-format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import type { PlanRefusalView } from "@/lib/client/use-pitr";
import type { RestorePlan } from "@/lib/schemas/restore-plan";
import type { RestoresT } from "./describe";
import { formatInZone, toUtcIso } from "./zoned-time";

// What a point-in-time restore will do, as the worker planned it: the backup it starts from,
// the WAL it replays, how long that should take, the timeline, warnings — or, when the target
// cannot be reached, the planner's reason with the restorable window beside it.

function When({ value, timeZone }: { value: string | null; timeZone: string }) {
  if (!value) return <span className="text-zinc-400">—</span>;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return <span>{value}</span>;
  return (
    <time dateTime={value} className="tabular-nums">
      {toUtcIso(ms)}
      {timeZone !== "UTC" ? (
        <span className="block text-xs text-zinc-500">
          {formatInZone(ms, timeZone)} {timeZone}
        </span>
      ) : null}
    </time>
  );
}

export function describeTarget(t: RestoresT, target: RestorePlan["target"]): string {
  switch (target.type) {
    case "time":
      return target.inclusive
        ? t("plan.target.timeInclusive", { value: target.value })
        : t("plan.target.timeBefore", { value: target.value });
    case "xid":
      return target.inclusive
        ? t("plan.target.xidInclusive", { value: target.value })
        : t("plan.target.xidBefore", { value: target.value });
    case "lsn":
      return target.inclusive
        ? t("plan.target.lsnInclusive", { value: target.value })
        : t("plan.target.lsnBefore", { value: target.value });
    case "name":
      return t("plan.target.name", { value: target.value });
    case "immediate":
      return t("plan.target.immediate");
    case "latest":
      return t("plan.target.latest");
  }
}

/** The copy a plan reads, as the form and the review name it. */
export function describeSource(t: RestoresT, source: NonNullable<RestorePlan["source"]>): string {
  return source === "offsite" ? t("plan.source.offsite") : t("plan.source.local");
}

type TimelineSteps = NonNullable<RestorePlan["timelineSteps"]>;

/** The steps of a plan stored before `timelineSteps`, read from its English summary ("; replay follows …"). */
function stepsFromSummary(summary: string): TimelineSteps {
  const follows = /; replay follows (.+?); about /.exec(summary)?.[1];
  if (!follows) return [];
  const parts = follows
    .split(", then ")
    .map((part) => /^timeline (\d+)(?: until ([0-9A-F]+\/[0-9A-F]+))?/i.exec(part));
  if (parts.some((part) => !part)) return [];
  return parts.map((part, index) => ({
    timeline: Number(part![1]),
    switchLsn: index === 0 ? null : (parts[index - 1]![2] ?? null),
  }));
}

/** "; replay follows timeline 1 until 0/3000060, then timeline 2 from there …", or "" without a promotion. */
export function describeTimelineSteps(t: RestoresT, plan: RestorePlan): string {
  const steps = plan.timelineSteps ?? stepsFromSummary(plan.summary);
  if (steps.length < 2) return "";
  const parts = steps.map((step, index) => {
    const next = steps[index + 1];
    return next
      ? t("plan.stepUntil", { timeline: String(step.timeline), lsn: next.switchLsn ?? t("plan.switchPoint") })
      : t("plan.stepLast", { timeline: String(step.timeline) });
  });
  return t("plan.steps", { list: parts.join(t("plan.stepsJoin")) });
}

/**
 * The plan in one sentence, in the reader's language, from its fields (the API's `summary` is the
 * English one scripts read): the backup, the WAL, the target, the timeline and the estimate.
 */
export function planSentence(
  t: RestoresT,
  plan: RestorePlan,
  {
    formatBytes,
    formatSeconds,
    formatUtcSeconds,
  }: Pick<Formatters, "formatBytes" | "formatSeconds" | "formatUtcSeconds">,
): string {
  return t("plan.summary", {
    backup: plan.backupLabel ?? plan.backupId.slice(0, 8),
    finished: formatUtcSeconds(plan.backupFinishedAt),
    size: formatBytes(plan.walBytes),
    // A time target is an instant in UTC: say so, as the form does.
    target: describeTarget(
      t,
      plan.target.type === "time" ? { ...plan.target, value: `${plan.target.value} (UTC)` } : plan.target,
    ),
    timeline: plan.timeline,
    steps: describeTimelineSteps(t, plan),
    duration: formatSeconds(plan.estimateSeconds),
  });
}

/** The planner's warnings in the reader's language (a stored plan's English read back). */
export function PlanWarnings({ warnings, className }: { warnings: string[]; className?: string }) {
  const say = useFinding("planner.warnings");
  return (
    <ul className={`list-disc space-y-0.5 pl-4 ${className ?? ""}`}>
      {warnings.map((warning, index) => (
        <li key={index}>{say(warning)}</li>
      ))}
    </ul>
  );
}

function PlanDetails({ plan, timeZone }: { plan: RestorePlan; timeZone: string }) {
  const t = useTranslations("restores");
  const sourceReason = useFinding("planner.source");
  const format = useFormat();
  const { formatBytes, formatBytesExact, formatSeconds } = format;
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-800">{planSentence(t, plan, format)}</p>
      <DescriptionList termWidth="7.5rem">
        <Description term={t("plan.backup")}>
          <span className="font-medium">{plan.backupLabel ?? plan.backupId.slice(0, 8)}</span>{" "}
          <code className="text-xs text-zinc-500">{plan.backupId.slice(0, 8)}</code>
          <span className="block text-xs text-zinc-500">
            {t.rich("plan.finished", {
              time: formatInZone(Date.parse(plan.backupFinishedAt), timeZone),
              at: (chunks) => (
                <time dateTime={plan.backupFinishedAt} title={plan.backupFinishedAt} className="tabular-nums">
                  {chunks}
                </time>
              ),
            })}{" "}
            · {formatBytes(plan.backupBytes)}
          </span>
        </Description>
        {plan.source ? (
          <Description term={t("plan.copy")}>
            <span className="font-medium" data-testid="plan-source">
              {describeSource(t, plan.source)}
            </span>
            {plan.sourceReason ? (
              <span className="block text-xs text-zinc-500">{sourceReason(plan.sourceReason)}</span>
            ) : null}
          </Description>
        ) : null}
        <Description term={t("plan.targetTerm")}>{describeTarget(t, plan.target)}</Description>
        <Description term={t("plan.stopsAt")}>
          {plan.toTime ? <When value={plan.toTime} timeZone={timeZone} /> : null}
          {plan.toLsn ? <code className="block text-xs">LSN {plan.toLsn}</code> : null}
          {!plan.toTime && !plan.toLsn ? <span className="text-zinc-500">{t("plan.whereMet")}</span> : null}
        </Description>
        <Description term={t("plan.walToReplay")}>
          <span title={formatBytesExact(plan.walBytes)}>
            {t("plan.upTo", { size: formatBytes(plan.walBytes) })}
          </span>
          <span className="block text-xs text-zinc-500">
            <code>{plan.fromLsn}</code> → <code>{plan.toLsn ?? t("plan.endOfArchive")}</code> ·{" "}
            {t("plan.segments")} <code className="break-all">{plan.fromWal}</code> …{" "}
            <code className="break-all">{plan.toWal}</code>
          </span>
        </Description>
        <Description term={t("plan.estimate")}>
          {t("plan.about", { duration: formatSeconds(plan.estimateSeconds) })}
        </Description>
        <Description term={t("plan.timeline")}>
          <code>{plan.timeline}</code>
          {String(plan.checkedTimeline) !== plan.timeline ? (
            <span className="text-xs text-zinc-500">
              {" "}
              {t("plan.checkedAlong", { timeline: String(plan.checkedTimeline) })}
            </span>
          ) : null}
        </Description>
      </DescriptionList>
      {plan.warnings.length > 0 ? (
        <Alert tone="warning" title={t("plan.warnings")}>
          <PlanWarnings warnings={plan.warnings} />
        </Alert>
      ) : null}
    </div>
  );
}

function Refusal({ refusal, timeZone }: { refusal: PlanRefusalView; timeZone: string }) {
  const t = useTranslations("restores.plan");
  const window = refusal.window;
  return (
    // Without a window the refusal is about a field other than the target (the copy, the identity).
    <Alert tone="error" title={window ? t("unreachable") : t("unplannable")}>
      <p>{refusal.message}</p>
      {window ? (
        <DescriptionList termWidth="6rem" size="xs" termTone="strong" className="mt-2">
          <Description term={t("earliest")}>
            <When value={window.earliest} timeZone={timeZone} />
          </Description>
          <Description term={t("latest")}>
            <When value={window.latest} timeZone={timeZone} />
          </Description>
          {window.gaps.length > 0 ? (
            <>
              <Description term={t("gaps")}>
                <ul className="space-y-0.5">
                  {window.gaps.map((gap) => (
                    <li key={`${gap.fromWal}-${gap.toWal}`}>
                      <code>{gap.fromWal === gap.toWal ? gap.fromWal : `${gap.fromWal} … ${gap.toWal}`}</code>{" "}
                      {gap.from || gap.to
                        ? `(${gap.from ? toUtcIso(Date.parse(gap.from)) : "?"} … ${gap.to ? toUtcIso(Date.parse(gap.to)) : "?"})`
                        : null}
                    </li>
                  ))}
                </ul>
              </Description>
            </>
          ) : null}
        </DescriptionList>
      ) : null}
    </Alert>
  );
}

/**
 * The live plan for the form's current target. `checking` shows while the worker is asked
 * (the last answer stays visible, dimmed); `idle` says what is missing before one can be asked.
 */
export function PlanPreview({
  plan,
  refusal,
  error,
  checking,
  idle,
  timeZone,
}: {
  plan: RestorePlan | null;
  refusal: PlanRefusalView | null;
  error: string | null;
  checking: boolean;
  idle?: string | null;
  timeZone: string;
}) {
  const t = useTranslations("restores.plan");
  return (
    <div className="space-y-2" aria-busy={checking}>
      <p role="status" className="flex h-4 items-center gap-1.5 text-xs text-zinc-500">
        {checking ? (
          <>
            <Spinner className="size-3" /> {t("checking")}
          </>
        ) : plan ? (
          t("checked")
        ) : null}
      </p>
      <div className={checking ? "opacity-50 transition-opacity" : undefined}>
        {idle ? (
          <p className="text-sm text-zinc-500">{idle}</p>
        ) : refusal ? (
          <Refusal refusal={refusal} timeZone={timeZone} />
        ) : error ? (
          <Alert tone="warning" title={t("notChecked")}>
            {error}
          </Alert>
        ) : plan ? (
          <PlanDetails plan={plan} timeZone={timeZone} />
        ) : checking ? null : (
          <p className="text-sm text-zinc-500">{t("noPlan")}</p>
        )}
      </div>
    </div>
  );
}
