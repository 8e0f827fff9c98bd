"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { describeTarget, formatRto, kindLabel, planOf, secondsBetween } from "@/components/restores/describe";
import { RestoreProgress, RestoreStatusBadge } from "@/components/restores/restore-status";
import { LogTail, StepsList } from "@/components/restores/steps-list";
import { isRestoreActive, useNow, useRestore, type RestoreView } from "@/lib/client/use-restores";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatBytes, formatSeconds, formatUtcSeconds } from "@/components/ui/format";
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

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 text-zinc-900">{children}</dd>
    </>
  );
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
        <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1.5 text-sm">
          <Item label="Status">
            <RestoreStatusBadge restore={restore} />
          </Item>
          <Item label="Kind">{kindLabel(restore)}</Item>
          <Item label="Target">
            <span className="font-medium">{describeTarget(restore)}</span>
          </Item>
          {plan ? (
            <>
              <Item label="Plan">{plan.summary}</Item>
              <Item label="Replay">
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
              </Item>
              <Item label="Estimate">{formatSeconds(plan.estimateSeconds)}</Item>
              {plan.warnings.length ? (
                <Item label="Warnings">
                  <ul className="list-disc space-y-0.5 pl-4 text-amber-800">
                    {plan.warnings.map((warning) => (
                      <li key={warning}>{warning}</li>
                    ))}
                  </ul>
                </Item>
              ) : null}
            </>
          ) : null}
          {action ? <Item label="At the target">{actionWords[action] ?? action}</Item> : null}
          <Item label="Cluster">
            <Link href={`/clusters/${restore.clusterId}`} className="text-emerald-800 hover:underline">
              {clusterName}
            </Link>
          </Item>
          <Item label="Backup">
            {restore.backupId ? (
              <Link href={`/backups/${restore.backupId}`} className="text-emerald-800 hover:underline">
                <code className="text-[13px]">{plan?.backupLabel ?? restore.backupId.slice(0, 8)}</code>
              </Link>
            ) : (
              <Dash />
            )}
          </Item>
          {restore.kind === "table" && typeof request.sourceRestoreId === "string" ? (
            <Item label="Copied from">
              <Link
                href={`/restores/${request.sourceRestoreId}`}
                className="text-emerald-800 hover:underline"
              >
                restore <code className="text-[13px]">{request.sourceRestoreId.slice(0, 8)}</code>
              </Link>
            </Item>
          ) : null}
          <Item label="Requested by">{restore.requestedBy}</Item>
          <Item label="Created">
            <At value={restore.createdAt} />
          </Item>
          <Item label="Started">
            <At value={restore.startedAt} />
          </Item>
          <Item label="Finished">
            <At value={restore.finishedAt} />
          </Item>
          <Item label={restore.finishedAt ? "Took" : "Running for"}>
            <span className="tabular-nums">{formatSeconds(elapsed)}</span>
          </Item>
          {restore.rtoMs !== null ? (
            <Item label="RTO">
              <span className="font-medium tabular-nums">{formatRto(restore.rtoMs)}</span>{" "}
              <span className="text-xs text-zinc-500">from start to verified</span>
            </Item>
          ) : null}
          <Item label="Id">
            <code className="text-[13px] break-all">{restore.id}</code>
          </Item>
        </dl>
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
          <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1.5 text-sm">
            <Item label="LSN">
              {reached.lsn ? <code className="text-[13px]">{reached.lsn}</code> : <Dash />}
            </Item>
            <Item label="Last commit">
              <At value={reached.time} />
            </Item>
            <Item label="Server log">
              {reached.stoppedAt ? (
                <code className="block text-xs break-words whitespace-pre-wrap text-zinc-700">
                  {reached.stoppedAt}
                </code>
              ) : (
                <span className="text-zinc-500">
                  no “recovery stopping” line (replayed to the end of the archive)
                </span>
              )}
            </Item>
          </dl>
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
          <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1.5 text-sm">
            <Item label="Database">
              <code className="text-[13px]">{instance.database}</code>
            </Item>
            <Item label="Server">
              <code className="text-[13px]">
                {instance.host}:{instance.port}
              </code>
            </Item>
            {typeof request.intoRestoreId === "string" ? (
              <Item label="Instance of">
                <Link
                  href={`/restores/${request.intoRestoreId}`}
                  className="text-emerald-800 hover:underline"
                >
                  restore <code className="text-[13px]">{request.intoRestoreId.slice(0, 8)}</code>
                </Link>
              </Item>
            ) : null}
          </dl>
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
