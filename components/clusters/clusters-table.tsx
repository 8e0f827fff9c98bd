import Link from "next/link";
import { useTranslations } from "next-intl";
import { ClusterStatusBadge } from "@/components/clusters/cluster-status-badge";
import { HostPort } from "@/components/clusters/host-port";
import { StandbyStateBadge } from "@/components/replication/standby-state";
import { useFormat } from "@/components/ui/use-format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { ClusterSummary } from "@/lib/schemas/cluster";

const archiveModeLabel: Record<ClusterSummary["archive"]["mode"], string> = {
  archive_command: "archive_command",
  stream: "stream (pg_receivewal)",
};

function WorstLag({ lag }: { lag: ClusterSummary["worstLag"] }) {
  const { formatBytes, formatSeconds } = useFormat();
  if (!lag) return <span className="text-zinc-400">—</span>;
  return (
    <span className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
      <span className="font-medium">{lag.standby}</span>
      <StandbyStateBadge state={lag.state} />
      <span className="tabular-nums">
        {formatBytes(lag.bytes)} · {formatSeconds(lag.seconds)}
      </span>
    </span>
  );
}

export function ClustersTable({
  clusters,
  showArchive = false,
}: {
  clusters: ClusterSummary[];
  showArchive?: boolean;
}) {
  const t = useTranslations("clusters.table");
  return (
    <Table aria-label={t("label")}>
      <THead>
        <tr>
          <TH>{t("name")}</TH>
          <TH>{t("status")}</TH>
          <TH>{t("worstLag")}</TH>
          <TH>{t("primary")}</TH>
          <TH>{t("standbys")}</TH>
          {showArchive ? <TH>{t("archiveMode")}</TH> : null}
        </tr>
      </THead>
      <TBody>
        {clusters.map((cluster) => (
          <TR key={cluster.id}>
            <TD>
              <Link href={`/clusters/${cluster.id}`} className="font-medium text-emerald-800 hover:underline">
                {cluster.name}
              </Link>
            </TD>
            <TD>
              <ClusterStatusBadge status={cluster.status} />
            </TD>
            <TD>
              <WorstLag lag={cluster.worstLag} />
            </TD>
            <TD>
              <HostPort host={cluster.primary.host} port={cluster.primary.port} />
            </TD>
            <TD>
              <span className="tabular-nums">{cluster.standbys.length}</span>
              {cluster.standbys.length > 0 ? (
                <span className="ml-1.5 text-xs text-zinc-500">
                  {cluster.standbys.map((standby) => standby.name).join(", ")}
                </span>
              ) : null}
            </TD>
            {showArchive ? (
              <TD>
                <code className="text-[13px]">{archiveModeLabel[cluster.archive.mode]}</code>
              </TD>
            ) : null}
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
