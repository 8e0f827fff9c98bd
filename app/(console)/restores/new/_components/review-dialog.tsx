"use client";

import { useTranslations } from "next-intl";
import { describeSource, describeTarget } from "@/components/restores/plan-preview";
import { formatInZone, toUtcIso } from "@/components/restores/zoned-time";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useFormat } from "@/components/ui/use-format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { useErrorMessage } from "@/components/forms/error-message";
import { ApiError } from "@/lib/client/fetcher";
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
  const t = useTranslations("restores");
  const target = body.target;
  if (target.type === "time") {
    const ms = Date.parse(target.value);
    return (
      <>
        <span className="font-medium">
          {target.inclusive ? t("review.upToIncluding") : t("review.justBefore")}
        </span>{" "}
        <code className="font-semibold text-zinc-900">{toUtcIso(ms)}</code>
        <span className="block text-xs text-zinc-600">
          {timeZone === "UTC"
            ? "UTC"
            : t("review.inZone", { time: formatInZone(ms, timeZone), zone: timeZone })}
        </span>
      </>
    );
  }
  const when = plan?.toTime ? Date.parse(plan.toTime) : null;
  return (
    <>
      <span className="font-medium">{describeTarget(t, target as RestorePlan["target"])}</span>
      {when !== null ? (
        <span className="block text-xs text-zinc-600">
          {t.rich(target.type === "xid" ? "review.committedAt" : "review.at", {
            time: toUtcIso(when),
            code: (chunks) => <code>{chunks}</code>,
          })}
          {timeZone !== "UTC"
            ? ` · ${t("review.inZone", { time: formatInZone(when, timeZone), zone: timeZone })}`
            : null}
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
  const t = useTranslations("restores");
  const errorMessage = useErrorMessage();
  const { formatBytes, formatSeconds } = useFormat();
  const action = ACTIONS.find((option) => option === body?.action);
  const ttl = body?.ttlHours ?? 24;
  return (
    <Dialog
      open={open}
      onClose={pending ? () => {} : onClose}
      title={t("review.title")}
      description={t("review.description")}
    >
      {body ? (
        <div className="space-y-4">
          <DescriptionList termWidth="6rem">
            <Description term={t("review.cluster")}>{clusterName}</Description>
            <Description term={t("plan.targetTerm")}>
              <TargetText body={body} plan={plan} timeZone={timeZone} />
            </Description>
            <Description term={t("plan.backup")}>
              {plan ? (
                <>
                  <span className="font-medium">{plan.backupLabel ?? plan.backupId.slice(0, 8)}</span>{" "}
                  <span className="text-xs text-zinc-500">
                    {t("pitr.advanced.finished", { time: toUtcIso(Date.parse(plan.backupFinishedAt)) })} ·{" "}
                    {formatBytes(plan.backupBytes)}
                  </span>
                </>
              ) : body.backupId ? (
                <code>{body.backupId}</code>
              ) : (
                t("review.newestBackup")
              )}
            </Description>
            {plan?.source || body.source ? (
              <Description term={t("plan.copy")}>
                <span className="font-medium">{describeSource(t, plan?.source ?? body.source!)}</span>
                {body.identity ? (
                  <span className="block text-xs text-zinc-600">{t("review.identityGiven")}</span>
                ) : null}
              </Description>
            ) : null}
            {plan ? (
              <Description term={t("detail.summary.replay")}>
                {t("review.replay", {
                  size: formatBytes(plan.walBytes),
                  timeline: String(plan.timeline),
                  duration: formatSeconds(plan.estimateSeconds),
                })}
              </Description>
            ) : null}
            <Description term={t("pitr.atTarget")}>
              <span className="font-medium">{action ? t(`pitr.actions.${action}.title`) : null}</span>
              <span className="block text-xs text-zinc-600">
                {action ? t(`pitr.actions.${action}.hint`) : null}
              </span>
            </Description>
            <Description term={t("review.instance")}>
              {t("review.keptFor", { count: ttl })}
              {body.database ? (
                <span className="block text-xs text-zinc-600">
                  {t("describe.database", { database: body.database })}
                </span>
              ) : null}
              {body.checkSql ? (
                <span className="block text-xs text-zinc-600">
                  {t("review.check")} <code className="break-all">{body.checkSql}</code>
                </span>
              ) : null}
            </Description>
          </DescriptionList>
          {plan === null ? <Alert tone="warning">{t("review.unchecked")}</Alert> : null}
          {error ? (
            <Alert
              tone="error"
              title={
                error instanceof ApiError && error.status === 409
                  ? t("review.tooMany")
                  : error instanceof ApiError && error.status === 422
                    ? t("review.refused")
                    : t("review.notStarted")
              }
            >
              {errorMessage(error)}
            </Alert>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose} disabled={pending}>
              {t("review.back")}
            </Button>
            <Button variant="primary" onClick={onStart} disabled={pending}>
              {pending ? <Spinner /> : null}
              {t("review.start")}
            </Button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
