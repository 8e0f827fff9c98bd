"use client";

import Link from "next/link";
import { describeTarget, formatRto, kindLabel, planOf, secondsBetween } from "@/components/restores/describe";
import { RestoreProgress, RestoreStatusBadge } from "@/components/restores/restore-status";
import { LogTail, StepsList } from "@/components/restores/steps-list";
import { isRestoreActive, useNow, useRestore, type RestoreView } from "@/lib/client/use-restores";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatBytes, formatSeconds, formatUtcSeconds } from "@/components/ui/format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { errorMessage } from "@/lib/client/fetcher";
import { CancelRestore } from "./cancel-restore";
import { InstanceCard } from "./instance-card";
import { TableCopyForm } from "./table-copy-form";
import {
  DatabaseVerificationView,
  isDatabaseVerification,
  isTableCopyVerification,
  TableCopyVerificationView,
} from "./verification-view";

function Dash() {
  return <span className="text-zinc-400">—</span>;
}

function At({ value }: { value: string | null | undefined }) {
  if (!value) return <Dash />;
  return (
    <time dateTime={value} className="tabular-nums">
      {formatUtcSeconds(value)}
    </time>
  );
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

const actionWords: Record<string, string> = {
  promote: "promote: a writable copy",
  pause: "pause: read-only at the target, still in recovery",
  shutdown: "shut down at the target",
};

/** What the restore was asked for and planned: the facts a person checks before trusting it. */
function SummaryCard({
  restore,
  clusterName,
  canOperate,
  now,
}: {
  restore: RestoreView;
  clusterName: string;
  canOperate: boolean;
  now: number | null;
}) {
  const active = isRestoreActive(restore.status);
  const plan = planOf(restore);
  const request = record(restore.request);
  const action = typeof request.action === "string" ? request.action : null;
  const elapsed = restore.finishedAt
    ? secondsBetween(restore.startedAt, restore.finishedAt)
    : restore.startedAt && now !== null
      ? secondsBetween(restore.startedAt, new Date(now).toISOString())
      : null;

  return (
    <Card aria-labelledby="restore-summary-title">
      <CardHeader
        id="restore-summary-title"
        title="Restore"
        description="All times in UTC."
        actions={
          canOperate && active && !restore.cancelRequested ? (
            <CancelRestore restoreId={restore.id} queued={restore.status === "queued"} />
          ) : null
        }
      />
      <CardBody className="space-y-4">
        {active ? (
          <div className="space-y-1">
            {restore.status === "running" ? (
              <RestoreProgress value={restore.progress} etaSeconds={restore.etaSeconds} wide />
            ) : (
              <p className="text-sm text-zinc-600">Queued: waiting for the worker to pick it up.</p>
            )}
            {restore.cancelRequested ? (
              <p role="status" className="text-sm text-amber-800">
                Cancel requested: the worker is stopping it and removing what it made.
              </p>
            ) : null}
          </div>
        ) : null}
        <DescriptionList>
          <Description term="Status">
            <RestoreStatusBadge restore={restore} />
          </Description>
          <Description term="Kind">{kindLabel(restore)}</Description>
          <Description term="Target">
            <span className="font-medium">{describeTarget(restore)}</span>
          </Description>
          {plan ? (
            <>
              <Description term="Plan">{plan.summary}</Description>
              <Description term="Replay">
                <code className="text-[13px]">{plan.fromLsn}</code>
                <span aria-label="to" className="mx-1 text-zinc-400">
                  →
                </span>
                <code className="text-[13px]">
                  {plan.toLsn ?? (plan.toTime ? formatUtcSeconds(plan.toTime) : "end of the archive")}
                </code>
                <span className="ml-2 text-xs text-zinc-500">
                  WAL {plan.fromWal} … {plan.toWal} · up to {formatBytes(plan.walBytes)} · timeline{" "}
                  {plan.timeline}
                </span>
              </Description>
              <Description term="Estimate">{formatSeconds(plan.estimateSeconds)}</Description>
              {plan.warnings.length ? (
                <Description term="Warnings">
                  <ul className="list-disc space-y-0.5 pl-4 text-amber-800">
                    {plan.warnings.map((warning) => (
                      <li key={warning}>{warning}</li>
                    ))}
                  </ul>
                </Description>
              ) : null}
            </>
          ) : null}
          {action ? <Description term="At the target">{actionWords[action] ?? action}</Description> : null}
          <Description term="Cluster">
            <Link href={`/clusters/${restore.clusterId}`} className="text-emerald-800 hover:underline">
              {clusterName}
            </Link>
          </Description>
          <Description term="Backup">
            {restore.backupId ? (
              <Link href={`/backups/${restore.backupId}`} className="text-emerald-800 hover:underline">
                <code className="text-[13px]">{plan?.backupLabel ?? restore.backupId.slice(0, 8)}</code>
              </Link>
            ) : (
              <Dash />
            )}
          </Description>
          {restore.kind === "table" && typeof request.sourceRestoreId === "string" ? (
            <Description term="Copied from">
              <Link
                href={`/restores/${request.sourceRestoreId}`}
                className="text-emerald-800 hover:underline"
              >
                restore <code className="text-[13px]">{request.sourceRestoreId.slice(0, 8)}</code>
              </Link>
            </Description>
          ) : null}
          <Description term="Requested by">{restore.requestedBy}</Description>
          <Description term="Created">
            <At value={restore.createdAt} />
          </Description>
          <Description term="Started">
            <At value={restore.startedAt} />
          </Description>
          <Description term="Finished">
            <At value={restore.finishedAt} />
          </Description>
          <Description term={restore.finishedAt ? "Took" : "Running for"}>
            <span className="tabular-nums">{formatSeconds(elapsed)}</span>
          </Description>
          {restore.rtoMs !== null ? (
            <Description term="RTO">
              <span className="font-medium tabular-nums">{formatRto(restore.rtoMs)}</span>{" "}
              <span className="text-xs text-zinc-500">from start to verified</span>
            </Description>
          ) : null}
          <Description term="Id">
            <code className="text-[13px] break-all">{restore.id}</code>
          </Description>
        </DescriptionList>
      </CardBody>
    </Card>
  );
}

function ReachedCard({ restore }: { restore: RestoreView }) {
  const reached = restore.reached;
  return (
    <Card aria-labelledby="reached-title">
      <CardHeader
        id="reached-title"
        title="Reached"
        description="Where replay stopped, as the restored server reports it."
      />
      <CardBody>
        {reached ? (
          <DescriptionList>
            <Description term="LSN">
              {reached.lsn ? <code className="text-[13px]">{reached.lsn}</code> : <Dash />}
            </Description>
            <Description term="Last commit">
              <At value={reached.time} />
            </Description>
            <Description term="Server log">
              {reached.stoppedAt ? (
                <code className="block text-xs break-words whitespace-pre-wrap text-zinc-700">
                  {reached.stoppedAt}
                </code>
              ) : (
                <span className="text-zinc-500">
                  no “recovery stopping” line (replayed to the end of the archive)
                </span>
              )}
            </Description>
          </DescriptionList>
        ) : (
          <p className="text-sm text-zinc-500">Not yet: known after replay.</p>
        )}
      </CardBody>
    </Card>
  );
}

/** Where the restored rows are when there is no restored instance (logical restores). */
function RestoredDatabaseCard({ restore }: { restore: RestoreView }) {
  const instance = restore.instance;
  const request = record(restore.request);
  return (
    <Card aria-labelledby="restored-db-title">
      <CardHeader
        id="restored-db-title"
        title="Restored database"
        description={
          typeof request.intoRestoreId === "string"
            ? "In a restored instance."
            : "On the cluster's primary, next to the live databases."
        }
      />
      <CardBody>
        {instance ? (
          <DescriptionList>
            <Description term="Database">
              <code className="text-[13px]">{instance.database}</code>
            </Description>
            <Description term="Server">
              <code className="text-[13px]">
                {instance.host}:{instance.port}
              </code>
            </Description>
            {typeof request.intoRestoreId === "string" ? (
              <Description term="Instance of">
                <Link
                  href={`/restores/${request.intoRestoreId}`}
                  className="text-emerald-800 hover:underline"
                >
                  restore <code className="text-[13px]">{request.intoRestoreId.slice(0, 8)}</code>
                </Link>
              </Description>
            ) : null}
          </DescriptionList>
        ) : (
          <p className="text-sm text-zinc-500">Not created yet.</p>
        )}
      </CardBody>
    </Card>
  );
}

/** One restore, polled every second while it is queued or running. */
export function RestoreDetailView({
  initialRestore,
  clusterName,
  liveDatabase,
  canOperate,
}: {
  initialRestore: RestoreView;
  clusterName: string;
  /** The cluster's registered database: where a copied table goes by default. */
  liveDatabase: string;
  /** Operators and admins may cancel, tear down and copy tables. */
  canOperate: boolean;
}) {
  const query = useRestore(initialRestore.id, initialRestore);
  const restore = query.data ?? initialRestore;
  const now = useNow();
  const succeeded = restore.status === "succeeded";
  const canCopyTable =
    canOperate &&
    succeeded &&
    restore.purpose !== "drill" &&
    ((restore.kind === "pitr" && restore.instanceState === "running") || restore.kind === "logical");
  const verification = restore.verification;

  return (
    <div className="space-y-5">
      {query.isError ? (
        <Alert tone="warning" title="Could not refresh">
          {errorMessage(query.error)}
        </Alert>
      ) : null}
      {restore.status === "failed" ? (
        <Alert tone="error" title="The restore failed">
          <pre className="font-mono text-xs whitespace-pre-wrap">
            {restore.error ?? "No error was recorded."}
          </pre>
        </Alert>
      ) : null}
      {restore.status === "cancelled" ? (
        <Alert tone="warning" title="Cancelled">
          Stopped on request;{" "}
          {restore.kind === "pitr" ? "the instance it started was removed." : "nothing more runs."}
        </Alert>
      ) : null}

      <SummaryCard restore={restore} clusterName={clusterName} canOperate={canOperate} now={now} />

      {restore.kind === "pitr" &&
      (succeeded || restore.instanceState === "running" || restore.instanceState === "stopped") ? (
        <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
          <InstanceCard restore={restore} canOperate={canOperate} />
          <ReachedCard restore={restore} />
        </div>
      ) : null}
      {restore.kind === "logical" && restore.instance ? <RestoredDatabaseCard restore={restore} /> : null}

      {verification ? (
        <Card aria-labelledby="verification-title">
          <CardHeader
            id="verification-title"
            title="Verification"
            description={
              restore.kind === "table"
                ? "Rows counted in the new table and in the source after the copy."
                : "What the restored copy holds: every table counted (count(*), or the planner's estimate for very large ones)."
            }
          />
          <CardBody>
            {isTableCopyVerification(verification) ? (
              <TableCopyVerificationView verification={verification} />
            ) : isDatabaseVerification(verification) ? (
              <DatabaseVerificationView verification={verification} kind={restore.kind} />
            ) : (
              <pre className="text-xs">{JSON.stringify(verification, null, 2)}</pre>
            )}
          </CardBody>
        </Card>
      ) : null}

      {canCopyTable ? <TableCopyForm restore={restore} liveDatabase={liveDatabase} /> : null}

      <Card aria-labelledby="steps-title">
        <CardHeader id="steps-title" title="Steps" description="In order; open a step for its log." />
        {restore.steps.length ? (
          <StepsList steps={restore.steps} now={now === null ? null : new Date(now).toISOString()} />
        ) : (
          <CardBody>
            <p className="text-sm text-zinc-500">No steps yet: the worker has not started this restore.</p>
          </CardBody>
        )}
      </Card>

      <Card aria-labelledby="log-title">
        <CardHeader
          id="log-title"
          title="Log"
          description={
            isRestoreActive(restore.status)
              ? "The latest lines of every step, refreshed every second while it runs."
              : "The latest lines of every step."
          }
        />
        <CardBody>
          <LogTail steps={restore.steps} />
        </CardBody>
      </Card>
    </div>
  );
}
