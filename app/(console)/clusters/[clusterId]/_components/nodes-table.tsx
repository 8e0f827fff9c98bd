"use client";

import { useTranslations } from "next-intl";
import { HostPort } from "@/components/clusters/host-port";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { NodeSummary } from "@/lib/schemas/cluster";

/** The nodes as registered: no password or CA, only whether one is stored. */
export function NodesTable({ nodes }: { nodes: NodeSummary[] }) {
  const t = useTranslations("cluster.nodesTable");
  return (
    <Table aria-label={t("label")}>
      <THead>
        <tr>
          <TH>{t("name")}</TH>
          <TH>{t("role")}</TH>
          <TH>{t("hostPort")}</TH>
          <TH>{t("user")}</TH>
          <TH>{t("database")}</TH>
          <TH>{t("sslmode")}</TH>
          <TH>{t("password")}</TH>
        </tr>
      </THead>
      <TBody>
        {nodes.map((node) => (
          <TR key={node.id}>
            <TD className="font-medium">{node.name}</TD>
            <TD>
              <Badge tone={node.role === "primary" ? "accent" : "info"}>{t(node.role)}</Badge>
            </TD>
            <TD>
              <HostPort host={node.host} port={node.port} />
            </TD>
            <TD>
              <code className="text-[13px]">{node.user}</code>
            </TD>
            <TD>
              <code className="text-[13px]">{node.database}</code>
            </TD>
            <TD>
              <code className="text-[13px]">{node.sslmode}</code>
              {node.hasSslRootCert ? (
                <span className="ml-1 text-xs text-zinc-500">{t("caStored")}</span>
              ) : null}
            </TD>
            <TD>{node.hasPassword ? t("yes") : <span className="text-zinc-500">{t("no")}</span>}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
