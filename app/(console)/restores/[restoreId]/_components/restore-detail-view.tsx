"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { describeTarget, formatRto, kindLabel, planOf, secondsBetween } from "@/components/restores/describe";
import { PlanWarnings, planSentence } from "@/components/restores/plan-preview";
import { RestoreProgress, RestoreStatusBadge } from "@/components/restores/restore-status";
import { LogTail, StepsList } from "@/components/restores/steps-list";
import { isRestoreActive, useNow, useRestore, type RestoreView } from "@/lib/client/use-restores";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatUtcSeconds } from "@/components/ui/format";
import { useFormat } from "@/components/ui/use-format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { useErrorMessage } from "@/components/forms/error-message";
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

const actions = ["promote", "pause", "shutdown"] as const;

function isAction(value: string): value is (typeof actions)[number] {
  return (actions as readonly string[]).includes(value);
}

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
  const t = useTranslations("restores");
  const format = useFormat();
  const { formatBytes, formatSeconds } = format;
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
        title={t("detail.summary.title")}
        description={t("detail.summary.description")}
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
              <p className="text-sm text-zinc-600">{t("detail.summary.queued")}</p>
            )}
            {restore.cancelRequested ? (
              <p role="status" className="text-sm text-amber-800">
                {t("detail.summary.cancelRequested")}
              </p>
            ) : null}
          </div>
        ) : null}
        <DescriptionList>
          <Description term={t("detail.summary.status")}>
            <RestoreStatusBadge restore={restore} />
          </Description>
          <Description term={t("detail.summary.kind")}>{kindLabel(t, restore)}</Description>
          <Description term={t("detail.summary.target")}>
            <span className="font-medium">{describeTarget(t, restore)}</span>
          </Description>
          {plan ? (
            <>
              <Description term={t("detail.summary.plan")}>{planSentence(t, plan, format)}</Description>
              <Description term={t("detail.summary.replay")}>
                <code className="text-[13px]">{plan.fromLsn}</code>
                <span aria-label={t("detail.summary.to")} className="mx-1 text-zinc-400">
                  →
                </span>
                <code className="text-[13px]">
                  {plan.toLsn ?? (plan.toTime ? formatUtcSeconds(plan.toTime) : t("plan.endOfArchive"))}
                </code>
                <span className="ml-2 text-xs text-zinc-500">
                  {t("detail.summary.replayFacts", {
                    fromWal: plan.fromWal,
                    toWal: plan.toWal,
                    size: formatBytes(plan.walBytes),
                    timeline: String(plan.timeline),
                  })}
                </span>
              </Description>
              <Description term={t("plan.estimate")}>{formatSeconds(plan.estimateSeconds)}</Description>
              {plan.warnings.length ? (
                <Description term={t("plan.warnings")}>
                  <PlanWarnings warnings={plan.warnings} className="text-amber-800" />
                </Description>
              ) : null}
            </>
          ) : null}
          {action ? (
            <Description term={t("detail.summary.atTarget")}>
              {isAction(action) ? t(`detail.action.${action}`) : action}
            </Description>
          ) : null}
          <Description term={t("detail.summary.cluster")}>
            <Link href={`/clusters/${restore.clusterId}`} className="text-emerald-800 hover:underline">
              {clusterName}
            </Link>
          </Description>
          <Description term={t("plan.backup")}>
            {restore.backupId ? (
              <Link href={`/backups/${restore.backupId}`} className="text-emerald-800 hover:underline">
                <code className="text-[13px]">{plan?.backupLabel ?? restore.backupId.slice(0, 8)}</code>
              </Link>
            ) : (
              <Dash />
            )}
          </Description>
          {restore.kind === "table" && typeof request.sourceRestoreId === "string" ? (
            <Description term={t("detail.summary.copiedFrom")}>
              <Link
                href={`/restores/${request.sourceRestoreId}`}
                className="text-emerald-800 hover:underline"
              >
                {t.rich("detail.restoreLink", {
                  id: request.sourceRestoreId.slice(0, 8),
                  code: (chunks) => <code className="text-[13px]">{chunks}</code>,
                })}
              </Link>
            </Description>
          ) : null}
          <Description term={t("detail.summary.requestedBy")}>{restore.requestedBy}</Description>
          <Description term={t("detail.summary.created")}>
            <At value={restore.createdAt} />
          </Description>
          <Description term={t("detail.summary.started")}>
            <At value={restore.startedAt} />
          </Description>
          <Description term={t("detail.summary.finished")}>
            <At value={restore.finishedAt} />
          </Description>
          <Description term={restore.finishedAt ? t("detail.summary.took") : t("detail.summary.runningFor")}>
            <span className="tabular-nums">{formatSeconds(elapsed)}</span>
          </Description>
          {restore.rtoMs !== null ? (
            <Description term="RTO">
              <span className="font-medium tabular-nums">{formatRto(restore.rtoMs, formatSeconds)}</span>{" "}
              <span className="text-xs text-zinc-500">{t("detail.summary.rtoHint")}</span>
            </Description>
          ) : null}
          <Description term={t("detail.summary.id")}>
            <code className="text-[13px] break-all">{restore.id}</code>
          </Description>
        </DescriptionList>
      </CardBody>
    </Card>
  );
}

function ReachedCard({ restore }: { restore: RestoreView }) {
  const t = useTranslations("restores.detail.reached");
  const reached = restore.reached;
  return (
    <Card aria-labelledby="reached-title">
      <CardHeader id="reached-title" title={t("title")} description={t("description")} />
      <CardBody>
        {reached ? (
          <DescriptionList>
            <Description term="LSN">
              {reached.lsn ? <code className="text-[13px]">{reached.lsn}</code> : <Dash />}
            </Description>
            <Description term={t("lastCommit")}>
              <At value={reached.time} />
            </Description>
            <Description term={t("serverLog")}>
              {reached.stoppedAt ? (
                <code className="block text-xs break-words whitespace-pre-wrap text-zinc-700">
                  {reached.stoppedAt}
                </code>
              ) : (
                <span className="text-zinc-500">{t("noStoppingLine")}</span>
              )}
            </Description>
          </DescriptionList>
        ) : (
          <p className="text-sm text-zinc-500">{t("notYet")}</p>
        )}
      </CardBody>
    </Card>
  );
}

/** Where the restored rows are when there is no restored instance (logical restores). */
function RestoredDatabaseCard({ restore }: { restore: RestoreView }) {
  const t = useTranslations("restores");
  const instance = restore.instance;
  const request = record(restore.request);
  return (
    <Card aria-labelledby="restored-db-title">
      <CardHeader
        id="restored-db-title"
        title={t("detail.database.title")}
        description={
          typeof request.intoRestoreId === "string"
            ? t("detail.database.inInstance")
            : t("detail.database.onPrimary")
        }
      />
      <CardBody>
        {instance ? (
          <DescriptionList>
            <Description term={t("detail.database.database")}>
              <code className="text-[13px]">{instance.database}</code>
            </Description>
            <Description term={t("detail.database.server")}>
              <code className="text-[13px]">
                {instance.host}:{instance.port}
              </code>
            </Description>
            {typeof request.intoRestoreId === "string" ? (
              <Description term={t("detail.database.instanceOf")}>
                <Link
                  href={`/restores/${request.intoRestoreId}`}
                  className="text-emerald-800 hover:underline"
                >
                  {t.rich("detail.restoreLink", {
                    id: request.intoRestoreId.slice(0, 8),
                    code: (chunks) => <code className="text-[13px]">{chunks}</code>,
                  })}
                </Link>
              </Description>
            ) : null}
          </DescriptionList>
        ) : (
          <p className="text-sm text-zinc-500">{t("detail.database.notCreated")}</p>
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
  const t = useTranslations("restores.detail");
  const errorMessage = useErrorMessage();
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
        <Alert tone="warning" title={t("refreshFailed")}>
          {errorMessage(query.error)}
        </Alert>
      ) : null}
      {restore.status === "failed" ? (
        <Alert tone="error" title={t("failed")}>
          <pre className="font-mono text-xs whitespace-pre-wrap">{restore.error ?? t("noError")}</pre>
        </Alert>
      ) : null}
      {restore.status === "cancelled" ? (
        <Alert tone="warning" title={t("cancelled")}>
          {restore.kind === "pitr" ? t("cancelledPitr") : t("cancelledOther")}
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
            title={t("verification.title")}
            description={restore.kind === "table" ? t("verification.table") : t("verification.database")}
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
        <CardHeader id="steps-title" title={t("steps.title")} description={t("steps.description")} />
        {restore.steps.length ? (
          <StepsList steps={restore.steps} now={now === null ? null : new Date(now).toISOString()} />
        ) : (
          <CardBody>
            <p className="text-sm text-zinc-500">{t("steps.none")}</p>
          </CardBody>
        )}
      </Card>

      <Card aria-labelledby="log-title">
        <CardHeader
          id="log-title"
          title={t("log.title")}
          description={isRestoreActive(restore.status) ? t("log.active") : t("log.done")}
        />
        <CardBody>
          <LogTail steps={restore.steps} />
        </CardBody>
      </Card>
    </div>
  );
}
