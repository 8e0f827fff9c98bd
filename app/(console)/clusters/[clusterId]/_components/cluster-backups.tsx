"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { BackupNowButton, type BackupClusterChoice } from "@/components/backups/backup-now";
import { BackupsTable } from "@/components/backups/backups-table";
import { ArchiveCoverage } from "@/components/backups/coverage-bar";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader, EmptyState } from "@/components/ui/card";
import type { BackupSummary } from "@/lib/schemas/backup";
import { errorMessage } from "@/lib/client/fetcher";
import { useBackups } from "@/lib/client/use-backups";

/** The cluster's newest backups (live) and its archive coverage; "Back up now" for operators. */
export function ClusterBackups({
  cluster,
  initialBackups,
  newest,
  canBackUp,
}: {
  cluster: BackupClusterChoice;
  initialBackups: BackupSummary[];
  /** How many the server render listed; the live list asks for as many. */
  newest: number;
  canBackUp: boolean;
}) {
  const t = useTranslations("cluster.backups");
  const query = useBackups({ clusterId: cluster.id, limit: newest }, initialBackups);
  const backups = query.data ?? initialBackups;

  return (
    <>
      <Card aria-labelledby="backups-title">
        <CardHeader
          id="backups-title"
          title={t("title")}
          description={t("description", { count: newest })}
          actions={
            <>
              <Link
                href={`/backups?cluster=${cluster.id}`}
                className="text-xs text-emerald-800 hover:underline"
              >
                {t("all")}
              </Link>
              {canBackUp ? <BackupNowButton clusters={[cluster]} defaultClusterId={cluster.id} /> : null}
            </>
          }
        />
        {query.isError ? (
          <div className="px-4 pt-3">
            <Alert tone="error" title={t("refreshFailed")}>
              {errorMessage(query.error)}
            </Alert>
          </div>
        ) : null}
        {backups.length === 0 ? (
          <EmptyState title={t("empty")} />
        ) : (
          <BackupsTable backups={backups} label={t("tableLabel", { name: cluster.name })} />
        )}
      </Card>

      <Card aria-labelledby="coverage-title">
        <CardHeader id="coverage-title" title={t("coverageTitle")} description={t("coverageDescription")} />
        <CardBody>
          <ArchiveCoverage clusterId={cluster.id} />
        </CardBody>
      </Card>
    </>
  );
}
