"use client";

import { describeSource, describeTarget } from "@/components/restores/plan-preview";
import { formatInZone, toUtcIso } from "@/components/restores/zoned-time";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { formatBytes, formatSeconds } from "@/components/ui/format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { ApiError, errorMessage } from "@/lib/client/fetcher";
import type { RestorePlan } from "@/lib/schemas/restore-plan";
import { ACTIONS } from "./options";
import type { PitrRequestBody } from "./request";

// The last look before a restore starts: the exact target (in UTC and in the chosen zone), the
// backup, what the instance does at the target and how long it lives. Nothing starts until
// "Start restore".

function TargetText({
  body,
  plan,
  timeZone,
}: {
  body: PitrRequestBody;
  plan: RestorePlan | null;
  timeZone: string;
}) {
  const target = body.target;
  if (target.type === "time") {
    const ms = Date.parse(target.value);
    return (
      <>
        <span className="font-medium">{target.inclusive ? "Up to and including" : "Just before"}</span>{" "}
        <code className="font-semibold text-zinc-900">{toUtcIso(ms)}</code>
        <span className="block text-xs text-zinc-600">
          {timeZone === "UTC" ? "UTC" : `${formatInZone(ms, timeZone)} in ${timeZone}`}
        </span>
      </>
    );
  }
  const when = plan?.toTime ? Date.parse(plan.toTime) : null;
  return (
    <>
      <span className="font-medium">{describeTarget(target as RestorePlan["target"])}</span>
      {when !== null ? (
        <span className="block text-xs text-zinc-600">
          {target.type === "xid" ? "committed" : "at"} <code>{toUtcIso(when)}</code>
          {timeZone !== "UTC" ? ` · ${formatInZone(when, timeZone)} in ${timeZone}` : null}
        </span>
      ) : null}
      {plan?.toLsn ? <span className="block text-xs text-zinc-600">LSN {plan.toLsn}</span> : null}
    </>
  );
}

export function ReviewDialog({
  open,
  onClose,
  body,
  plan,
  clusterName,
  timeZone,
  pending,
  error,
  onStart,
}: {
  open: boolean;
  onClose: () => void;
  body: PitrRequestBody | null;
  plan: RestorePlan | null;
  clusterName: string;
  timeZone: string;
  pending: boolean;
  error: unknown;
  onStart: () => void;
}) {
  const action = ACTIONS.find((option) => option.value === body?.action);
  const ttl = body?.ttlHours ?? 24;
  return (
    <Dialog
      open={open}
      onClose={pending ? () => {} : onClose}
      title="Review restore"
      description="A new instance is restored on the worker host; the cluster's servers are not touched."
    >
      {body ? (
        <div className="space-y-4">
          <DescriptionList termWidth="6rem">
            <Description term="Cluster">{clusterName}</Description>
            <Description term="Target">
              <TargetText body={body} plan={plan} timeZone={timeZone} />
            </Description>
            <Description term="Backup">
              {plan ? (
                <>
                  <span className="font-medium">{plan.backupLabel ?? plan.backupId.slice(0, 8)}</span>{" "}
                  <span className="text-xs text-zinc-500">
                    finished {toUtcIso(Date.parse(plan.backupFinishedAt))} · {formatBytes(plan.backupBytes)}
                  </span>
                </>
              ) : body.backupId ? (
                <code>{body.backupId}</code>
              ) : (
                "the newest that reaches the target"
              )}
            </Description>
            {plan?.source || body.source ? (
              <Description term="Copy">
                <span className="font-medium">{describeSource(plan?.source ?? body.source!)}</span>
                {body.identity ? (
                  <span className="block text-xs text-zinc-600">opened with the age identity given</span>
                ) : null}
              </Description>
            ) : null}
            {plan ? (
              <Description term="Replay">
                up to {formatBytes(plan.walBytes)} of WAL on timeline {plan.timeline}; about{" "}
                {formatSeconds(plan.estimateSeconds)}
              </Description>
            ) : null}
            <Description term="At the target">
              <span className="font-medium">{action?.title}</span>
              <span className="block text-xs text-zinc-600">{action?.hint}</span>
            </Description>
            <Description term="Instance">
              kept for {ttl} {ttl === 1 ? "hour" : "hours"}, then torn down
              {body.database ? (
                <span className="block text-xs text-zinc-600">database {body.database}</span>
              ) : null}
              {body.checkSql ? (
                <span className="block text-xs text-zinc-600">
                  check: <code className="break-all">{body.checkSql}</code>
                </span>
              ) : null}
            </Description>
          </DescriptionList>
          {plan === null ? (
            <Alert tone="warning">
              The plan could not be checked beforehand; the server plans again when the restore starts.
            </Alert>
          ) : null}
          {error ? (
            <Alert
              tone="error"
              title={
                error instanceof ApiError && error.status === 409
                  ? "Too many restored instances"
                  : error instanceof ApiError && error.status === 422
                    ? "The restore was refused"
                    : "The restore could not be started"
              }
            >
              {errorMessage(error)}
            </Alert>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose} disabled={pending}>
              Back to the form
            </Button>
            <Button variant="primary" onClick={onStart} disabled={pending}>
              {pending ? <Spinner /> : null}
              Start restore
            </Button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
