"use client";

import { CommandBlock } from "@/app/(console)/backups/[backupId]/runbook/_components/runbook-controls";
import { ConnectionErrorView } from "@/components/clusters/connection-report-view";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { errorMessage } from "@/lib/client/fetcher";
import { useClusterConfigCheck } from "@/lib/client/use-config-check";
import type { ConfigCheck, ConfigCheckId, ConfigCheckStatus } from "@/lib/schemas/config-check";

const CHECK_TITLES: Record<ConfigCheckId, string> = {
  wal_level: "wal_level",
  archive_mode: "archive_mode",
  archive_command: "archive_command writes where Walden reads",
  archive_timeout: "archive_timeout against the RPO target",
  max_wal_senders: "max_wal_senders",
  pg_hba_replication: "Replication in pg_hba.conf",
  role_privileges: "The role's privileges",
};

const STATUS_BADGE: Record<ConfigCheckStatus, { tone: BadgeTone; label: string }> = {
  ok: { tone: "success", label: "OK" },
  warn: { tone: "warning", label: "Warning" },
  fail: { tone: "danger", label: "Fails" },
};

/** One node's checks: status, what was found against what is needed, and the fix to paste. */
export function ConfigCheckList({ checks, label }: { checks: ConfigCheck[]; label: string }) {
  return (
    <ul aria-label={label} className="divide-y divide-zinc-100">
      {checks.map((check) => (
        <li key={check.id} aria-label={CHECK_TITLES[check.id]} className="space-y-1 py-2.5">
          <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
            <Badge tone={STATUS_BADGE[check.status].tone}>{STATUS_BADGE[check.status].label}</Badge>
            {CHECK_TITLES[check.id]}
          </p>
          <p className="text-xs break-words text-zinc-600">
            <span className="font-medium">Found:</span> <code>{check.found}</code>
          </p>
          <p className="text-xs text-zinc-600">
            <span className="font-medium">Expected:</span> {check.expected}
          </p>
          {check.fix ? <CommandBlock command={check.fix} label={`Fix for ${check.id}`} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** The configuration check of every registered node, on demand. */
export function ConfigCheckCard({ clusterId }: { clusterId: string }) {
  const check = useClusterConfigCheck(clusterId);
  const nodes = check.data?.nodes ?? [];

  return (
    <Card aria-labelledby="config-check-title">
      <CardHeader
        id="config-check-title"
        title="Configuration check"
        description="Reads each node's settings, pg_hba rules and role, and gives the statement or line that fixes what Walden needs."
        actions={
          <Button size="sm" onClick={() => check.mutate()} disabled={check.isPending}>
            {check.isPending ? <Spinner /> : null}
            Run
          </Button>
        }
      />
      {check.isError || check.isSuccess ? (
        <CardBody>
          {check.isError ? (
            <Alert tone="error" title="The check could not run">
              {errorMessage(check.error)}
            </Alert>
          ) : (
            <div className="space-y-4">
              {nodes.map((node) => (
                <section key={node.name} aria-label={`Configuration of ${node.name}`}>
                  <h3 className="text-xs font-medium text-zinc-700">
                    {node.name} <span className="font-normal text-zinc-500">({node.role})</span>
                  </h3>
                  {node.ok ? (
                    <ConfigCheckList checks={node.report.checks} label={`Checks of ${node.name}`} />
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
