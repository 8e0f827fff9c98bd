import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/button";
import { formatBytes, formatBytesExact, formatSeconds } from "@/components/ui/format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import type { PlanRefusalView } from "@/lib/client/use-pitr";
import type { RestorePlan } from "@/lib/schemas/restore-plan";
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

export function describeTarget(target: RestorePlan["target"]): string {
  switch (target.type) {
    case "time":
      return `${target.inclusive ? "up to and including" : "just before"} ${target.value}`;
    case "xid":
      return target.inclusive
        ? `up to and including transaction ${target.value}`
        : `just before transaction ${target.value}`;
    case "lsn":
      return `${target.inclusive ? "up to and including" : "just before"} LSN ${target.value}`;
    case "name":
      return `restore point "${target.value}"`;
    case "immediate":
      return "as soon as consistent (the end of the backup)";
    case "latest":
      return "the latest archived commit";
  }
}

/** The copy a plan reads, as the form and the review name it. */
export function describeSource(source: NonNullable<RestorePlan["source"]>): string {
  return source === "offsite" ? "the offsite repository" : "the local repository and archive";
}

function PlanDetails({ plan, timeZone }: { plan: RestorePlan; timeZone: string }) {
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-800">{plan.summary}</p>
      <DescriptionList termWidth="7.5rem">
        <Description term="Backup">
          <span className="font-medium">{plan.backupLabel ?? plan.backupId.slice(0, 8)}</span>{" "}
          <code className="text-xs text-zinc-500">{plan.backupId.slice(0, 8)}</code>
          <span className="block text-xs text-zinc-500">
            finished{" "}
            <time dateTime={plan.backupFinishedAt} title={plan.backupFinishedAt} className="tabular-nums">
              {formatInZone(Date.parse(plan.backupFinishedAt), timeZone)}
            </time>{" "}
            · {formatBytes(plan.backupBytes)}
          </span>
        </Description>
        {plan.source ? (
          <Description term="Copy">
            <span className="font-medium" data-testid="plan-source">
              {describeSource(plan.source)}
            </span>
            {plan.sourceReason ? (
              <span className="block text-xs text-zinc-500">{plan.sourceReason}</span>
            ) : null}
          </Description>
        ) : null}
        <Description term="Target">{describeTarget(plan.target)}</Description>
        <Description term="Stops at">
          {plan.toTime ? <When value={plan.toTime} timeZone={timeZone} /> : null}
          {plan.toLsn ? <code className="block text-xs">LSN {plan.toLsn}</code> : null}
          {!plan.toTime && !plan.toLsn ? (
            <span className="text-zinc-500">where the target is met</span>
          ) : null}
        </Description>
        <Description term="WAL to replay">
          <span title={formatBytesExact(plan.walBytes)}>up to {formatBytes(plan.walBytes)}</span>
          <span className="block text-xs text-zinc-500">
            <code>{plan.fromLsn}</code> → <code>{plan.toLsn ?? "end of the archive"}</code> · segments{" "}
            <code className="break-all">{plan.fromWal}</code> …{" "}
            <code className="break-all">{plan.toWal}</code>
          </span>
        </Description>
        <Description term="Estimate">about {formatSeconds(plan.estimateSeconds)}</Description>
        <Description term="Timeline">
          <code>{plan.timeline}</code>
          {String(plan.checkedTimeline) !== plan.timeline ? (
            <span className="text-xs text-zinc-500"> (coverage checked along {plan.checkedTimeline})</span>
          ) : null}
        </Description>
      </DescriptionList>
      {plan.warnings.length > 0 ? (
        <Alert tone="warning" title="Warnings">
          <ul className="list-disc space-y-0.5 pl-4">
            {plan.warnings.map((warning, index) => (
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
    </div>
  );
}

function Refusal({ refusal, timeZone }: { refusal: PlanRefusalView; timeZone: string }) {
  const window = refusal.window;
  return (
    // Without a window the refusal is about a field other than the target (the copy, the identity).
    <Alert tone="error" title={window ? "This target cannot be reached" : "This restore cannot be planned"}>
      <p>{refusal.message}</p>
      {window ? (
        <DescriptionList termWidth="6rem" size="xs" termTone="strong" className="mt-2">
          <Description term="Earliest">
            <When value={window.earliest} timeZone={timeZone} />
          </Description>
          <Description term="Latest">
            <When value={window.latest} timeZone={timeZone} />
          </Description>
          {window.gaps.length > 0 ? (
            <>
              <Description term="Gaps">
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
  return (
    <div className="space-y-2" aria-busy={checking}>
      <p role="status" className="flex h-4 items-center gap-1.5 text-xs text-zinc-500">
        {checking ? (
          <>
            <Spinner className="size-3" /> checking…
          </>
        ) : plan ? (
          "checked by the worker against the archive"
        ) : null}
      </p>
      <div className={checking ? "opacity-50 transition-opacity" : undefined}>
        {idle ? (
          <p className="text-sm text-zinc-500">{idle}</p>
        ) : refusal ? (
          <Refusal refusal={refusal} timeZone={timeZone} />
        ) : error ? (
          <Alert tone="warning" title="The plan could not be checked">
            {error}
          </Alert>
        ) : plan ? (
          <PlanDetails plan={plan} timeZone={timeZone} />
        ) : checking ? null : (
          <p className="text-sm text-zinc-500">No plan yet.</p>
        )}
      </div>
    </div>
  );
}
