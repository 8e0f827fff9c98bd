import Link from "next/link";
import { useTranslations } from "next-intl";
import { RestoreProgress, RestoreStatusBadge } from "@/components/restores/restore-status";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { useFormat } from "@/components/ui/use-format";
import type { RestoreView } from "@/lib/schemas/restore-view";
import { describeTarget, formatRto, instanceRemoved, instanceText, kindLabel } from "./describe";

/** Restores and drills as rows, newest first as given; each links to its restore page. */
export function RestoresTable({
  restores,
  clusterNames,
  label,
}: {
  restores: RestoreView[];
  clusterNames?: Record<string, string>;
  label?: string;
}) {
  const t = useTranslations("restores");
  const { formatSeconds } = useFormat();
  return (
    <Table aria-label={label ?? t("table.label")} className="text-[13px]">
      <THead>
        <tr>
          <TH>{t("table.when")}</TH>
          {clusterNames ? <TH>{t("table.cluster")}</TH> : null}
          <TH>{t("table.kind")}</TH>
          <TH>{t("table.target")}</TH>
          <TH>{t("table.status")}</TH>
          <TH className="text-right">RTO</TH>
          <TH>{t("table.instance")}</TH>
          <TH>{t("table.by")}</TH>
        </tr>
      </THead>
      <TBody>
        {restores.map((restore) => {
          const instance = instanceText(t, restore);
          const target = describeTarget(t, restore);
          return (
            <TR key={restore.id} data-restore-id={restore.id}>
              <TD>
                <Link
                  href={`/restores/${restore.id}`}
                  className="font-medium text-emerald-800 hover:underline"
                  title={t("table.restoreId", { id: restore.id })}
                >
                  <Time value={restore.createdAt} />
                </Link>
              </TD>
              {clusterNames ? (
                <TD>
                  <Link href={`/clusters/${restore.clusterId}`} className="hover:underline">
                    {clusterNames[restore.clusterId] ?? restore.clusterId.slice(0, 8)}
                  </Link>
                </TD>
              ) : null}
              <TD className="whitespace-nowrap">{kindLabel(t, restore)}</TD>
              <TD className="max-w-80">
                <span title={target} className="block truncate">
                  {target}
                </span>
              </TD>
              <TD>
                <span className="flex flex-col items-start gap-1">
                  <RestoreStatusBadge restore={restore} />
                  {restore.status === "running" ? (
                    <RestoreProgress value={restore.progress} etaSeconds={restore.etaSeconds} />
                  ) : null}
                  {restore.status === "failed" && restore.error ? (
                    <span title={restore.error} className="block max-w-56 truncate text-xs text-red-700">
                      {restore.error}
                    </span>
                  ) : null}
                </span>
              </TD>
              <TD className="text-right whitespace-nowrap tabular-nums">
                {formatRto(restore.rtoMs, formatSeconds)}
              </TD>
              <TD className="whitespace-nowrap">
                {instance === null ? (
                  <span className="text-zinc-400">—</span>
                ) : instanceRemoved(restore) ? (
                  <span className="text-zinc-500">{instance}</span>
                ) : (
                  <code className="text-[13px]">{instance}</code>
                )}
              </TD>
              <TD className="text-zinc-600">
                <span title={restore.requestedBy} className="block max-w-40 truncate">
                  {restore.requestedBy}
                </span>
              </TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}
