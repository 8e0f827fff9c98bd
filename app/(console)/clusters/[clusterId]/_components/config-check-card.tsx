"use client";

import { useTranslations } from "next-intl";
import { CommandBlock } from "@/app/(console)/backups/[backupId]/runbook/_components/runbook-controls";
import { ConnectionErrorView } from "@/components/clusters/connection-report-view";
import { useFinding } from "@/components/i18n/use-finding";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { errorMessage } from "@/lib/client/fetcher";
import { useClusterConfigCheck } from "@/lib/client/use-config-check";
import type { ConfigCheck, ConfigCheckId, ConfigCheckStatus } from "@/lib/schemas/config-check";

const STATUS_TONE: Record<ConfigCheckStatus, BadgeTone> = { ok: "success", warn: "warning", fail: "danger" };

/** A check's title; one the console does not know yet is shown by its id. */
function useCheckTitle() {
  const t = useTranslations("cluster.configCheck");
  return (id: ConfigCheckId) => (t.has(id) ? t(id) : id);
}

/** One node's checks: status, what was found against what is needed, and the fix to paste. */
export function ConfigCheckList({ checks, label }: { checks: ConfigCheck[]; label: string }) {
  const t = useTranslations("cluster.configCheck");
  const title = useCheckTitle();
  // What was found, what is needed and the fix's comments in the reader's language; SQL stays SQL.
  const say = useFinding("configCheck");
  return (
    <ul aria-label={label} className="divide-y divide-zinc-100">
      {checks.map((check) => (
        <li key={check.id} aria-label={title(check.id)} className="space-y-1 py-2.5">
          <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
            <Badge tone={STATUS_TONE[check.status]}>{t(check.status)}</Badge>
            {title(check.id)}
          </p>
          <p className="text-xs break-words text-zinc-600">
            <span className="font-medium">{t("found")}</span> <code>{say(check.found)}</code>
          </p>
          <p className="text-xs text-zinc-600">
            <span className="font-medium">{t("expected")}</span> {say(check.expected)}
          </p>
          {check.fix ? <CommandBlock command={say(check.fix)} label={t("fixFor", { id: check.id })} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** The configuration check of every registered node, on demand. */
export function ConfigCheckCard({ clusterId }: { clusterId: string }) {
  const t = useTranslations("cluster.configCheck");
  const check = useClusterConfigCheck(clusterId);
  const nodes = check.data?.nodes ?? [];

  return (
    <Card aria-labelledby="config-check-title">
      <CardHeader
        id="config-check-title"
        title={t("title")}
        description={t("description")}
        actions={
          <Button size="sm" onClick={() => check.mutate()} disabled={check.isPending}>
            {check.isPending ? <Spinner /> : null}
            {t("run")}
          </Button>
        }
      />
      {check.isError || check.isSuccess ? (
        <CardBody>
          {check.isError ? (
            <Alert tone="error" title={t("failed")}>
              {errorMessage(check.error)}
            </Alert>
          ) : (
            <div className="space-y-4">
              {nodes.map((node) => (
                <section key={node.name} aria-label={t("configurationOf", { name: node.name })}>
                  <h3 className="text-xs font-medium text-zinc-700">
                    {node.name} <span className="font-normal text-zinc-500">({t(node.role)})</span>
                  </h3>
                  {node.ok ? (
                    <ConfigCheckList checks={node.report.checks} label={t("checksOf", { name: node.name })} />
                  ) : (
                    <ConnectionErrorView code={node.error.code} message={node.error.message} />
                  )}
                </section>
              ))}
            </div>
          )}
        </CardBody>
      ) : null}
    </Card>
  );
}
