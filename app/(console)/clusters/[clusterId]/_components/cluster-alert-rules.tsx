"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { alertKindLabel } from "@/components/alerts/alert-labels";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { useFormat } from "@/components/ui/use-format";
import { errorMessage } from "@/lib/client/fetcher";
import { useAlertRules, type AlertRuleSummary } from "@/lib/client/use-alerts";
import { thresholdUnits } from "@/lib/schemas/alerts";

/** The rules that watch this cluster (its own and the fleet-wide ones); they are edited on /alerts. */
export function ClusterAlertRules({ clusterId, canEdit }: { clusterId: string; canEdit: boolean }) {
  const t = useTranslations("cluster.alerts");
  const { formatBytes, formatSeconds } = useFormat();
  const query = useAlertRules();
  const rules = query.data?.filter((rule) => rule.clusterId === clusterId || rule.clusterId === null);
  const threshold = (rule: AlertRuleSummary) => {
    if (rule.threshold === null || rule.threshold === undefined) return "—";
    const unit = thresholdUnits[rule.kind] ?? "";
    if (unit.startsWith("bytes")) return formatBytes(rule.threshold);
    if (unit.startsWith("seconds")) return formatSeconds(rule.threshold);
    return String(rule.threshold);
  };

  return (
    <Card role="region" aria-label={t("rulesTitle")}>
      <CardHeader
        title={t("rulesTitle")}
        description={canEdit ? t("rulesDescriptionAdmin") : t("rulesDescription")}
        actions={
          <Link href="/alerts" className="text-xs font-medium text-emerald-800 hover:underline">
            {canEdit ? t("editRules") : t("allAlerts")}
          </Link>
        }
      />
      {query.isError ? (
        <div className="px-4 py-3">
          <Alert tone="error" title={t("rulesLoadFailed")}>
            {errorMessage(query.error)}
          </Alert>
        </div>
      ) : null}
      {rules ? (
        rules.length === 0 ? (
          <EmptyState title={t("rulesEmpty")} />
        ) : (
          <Table aria-label={t("rulesTitle")}>
            <THead>
              <tr>
                <TH>{t("alert")}</TH>
                <TH>{t("scope")}</TH>
                <TH>{t("threshold")}</TH>
                <TH>{t("for")}</TH>
                <TH>{t("severity")}</TH>
                <TH>{t("enabled")}</TH>
              </tr>
            </THead>
            <TBody>
              {rules.map((rule) => (
                <TR key={rule.id}>
                  <TD className="font-medium">{alertKindLabel(rule.kind)}</TD>
                  <TD>{rule.clusterId ? t("scopeCluster") : t("scopeFleet")}</TD>
                  <TD className="tabular-nums">{threshold(rule)}</TD>
                  <TD className="tabular-nums">{formatSeconds(rule.forSeconds)}</TD>
                  <TD>
                    <Badge tone={rule.severity === "critical" ? "danger" : "warning"}>{rule.severity}</Badge>
                  </TD>
                  <TD>{rule.enabled ? <Badge tone="accent">{t("on")}</Badge> : <Badge>{t("off")}</Badge>}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )
      ) : query.isPending ? (
        <p className="flex items-center gap-2 px-4 py-3 text-sm text-zinc-500">
          <Spinner /> {t("loading")}
        </p>
      ) : null}
    </Card>
  );
}
