"use client";

import { useTranslations } from "next-intl";
import { ConnectionErrorView } from "@/components/clusters/connection-report-view";
import { hostPort } from "@/components/clusters/host-port";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { DiscoveredStandby, DiscoveredUpstream, DiscoveryReport } from "@/lib/schemas/cluster-discovery";

// What the register form found from a node typed into it (the primary, or a standby for a
// cascade): the standbys streaming from it, each with an "Add" button, and, when the node typed
// as the primary is itself a standby, an offer to register its upstream as the primary instead.
// The form decides what adding means; this only shows the answer.

const stateTone = (state: string | null) => (state === "streaming" ? "success" : "warning");

function UpstreamOffer({
  upstream,
  onUseUpstream,
}: {
  upstream: DiscoveredUpstream;
  onUseUpstream: (upstream: { host: string; port: number }) => void;
}) {
  const t = useTranslations("clusters.discovery");
  const { host, port } = upstream;
  if (!host || !port || host.startsWith("/")) return null;
  return (
    <Alert
      tone="warning"
      title={t("upstreamTitle")}
      actions={
        <Button size="sm" onClick={() => onUseUpstream({ host, port })}>
          {t("useUpstream", { address: hostPort(host, port) })}
        </Button>
      }
    >
      {t("upstreamText", { address: hostPort(host, port), status: upstream.status ?? t("unknownStatus") })}
    </Alert>
  );
}

export function RegisterDiscovery({
  source,
  report,
  error,
  addedNames,
  onAddStandby,
  onUseUpstream,
}: {
  /** Which node was asked: "the primary" or a standby's name. */
  source: string;
  report: DiscoveryReport | undefined;
  error: { code?: string; message: string } | null;
  /** Standby names already in the form: their "Add" is spent. */
  addedNames: string[];
  onAddStandby: (standby: DiscoveredStandby) => void;
  /** Only when the primary was asked: a standby typed as the primary can hand over to its upstream. */
  onUseUpstream?: (upstream: { host: string; port: number }) => void;
}) {
  const t = useTranslations("clusters.discovery");
  if (error) return <ConnectionErrorView code={error.code} message={error.message} />;
  if (!report) return null;
  const open = report.standbys.filter((standby) => !addedNames.includes(standby.suggestedName));
  return (
    <section aria-label={t("foundFrom", { source })} className="space-y-3">
      {report.upstream && onUseUpstream ? (
        <UpstreamOffer upstream={report.upstream} onUseUpstream={onUseUpstream} />
      ) : null}
      {report.standbys.length === 0 ? (
        <p className="text-sm text-zinc-500">{t("none", { source })}</p>
      ) : (
        <>
          <div className="flex items-center justify-between gap-2">
            <p className="text-sm text-zinc-700">{t("count", { count: report.standbys.length, source })}</p>
            {open.length > 1 ? (
              <Button size="sm" onClick={() => open.forEach(onAddStandby)}>
                {t("addAll")}
              </Button>
            ) : null}
          </div>
          <Table>
            <THead>
              <TR>
                <TH>application_name</TH>
                <TH>{t("connectsFrom")}</TH>
                <TH>{t("state")}</TH>
                <TH>{t("sync")}</TH>
                <TH>
                  <span className="sr-only">{t("add")}</span>
                </TH>
              </TR>
            </THead>
            <TBody>
              {report.standbys.map((standby) => {
                const added = addedNames.includes(standby.suggestedName);
                return (
                  <TR key={`${standby.suggestedName}`}>
                    <TD>
                      <code>{standby.applicationName || t("noName")}</code>
                    </TD>
                    <TD>
                      {standby.clientAddr ?? standby.clientHostname ?? (
                        <span className="text-zinc-500">{t("hidden")}</span>
                      )}
                    </TD>
                    <TD>
                      <Badge tone={stateTone(standby.state)}>{standby.state ?? t("unknown")}</Badge>
                    </TD>
                    <TD>{standby.syncState ?? "—"}</TD>
                    <TD className="text-right">
                      <Button size="sm" disabled={added} onClick={() => onAddStandby(standby)}>
                        {added ? t("added") : t("add")}{" "}
                        <span className="sr-only">{standby.suggestedName}</span>
                      </Button>
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
        </>
      )}
      {report.warnings.length > 0 ? (
        <ul className="list-disc space-y-0.5 pl-5 text-xs text-amber-800">
          {report.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
