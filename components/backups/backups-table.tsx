import { useTranslations } from "next-intl";
import Link from "next/link";
import { BackupStatus, LsnRange, VerifiedBadge } from "@/components/backups/backup-status";
import { formatBytes, formatBytesExact, formatSeconds } from "@/components/ui/format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { BackupSummary } from "@/lib/schemas/backup";

/**
 * Backups as catalog rows, newest first as given. With `clusterNames` there is a cluster column
 * (the catalog across clusters); a cluster's own page leaves it out.
 */
export function BackupsTable({
  backups,
  clusterNames,
  label,
}: {
  backups: BackupSummary[];
  clusterNames?: Record<string, string>;
  label?: string;
}) {
  const t = useTranslations("backups.table");
  const tb = useTranslations("backups");
  return (
    <Table aria-label={label ?? t("label")} className="text-[13px]">
      <THead>
        <tr>
          <TH>{t("created")}</TH>
          {clusterNames ? <TH>{t("cluster")}</TH> : null}
          <TH>{t("kind")}</TH>
          <TH>{t("status")}</TH>
          <TH>{t("label2")}</TH>
          <TH className="text-right">{t("size")}</TH>
          <TH className="text-right">{t("duration")}</TH>
          <TH>{t("lsnRange")}</TH>
          <TH>{t("verified")}</TH>
          <TH>{t("error")}</TH>
        </tr>
      </THead>
      <TBody>
        {backups.map((backup) => (
          <TR key={backup.id} data-backup-id={backup.id}>
            <TD>
              <Link
                href={`/backups/${backup.id}`}
                className="font-medium text-emerald-800 hover:underline"
                title={t("backup", { id: backup.id })}
              >
                <Time value={backup.createdAt} />
              </Link>
            </TD>
            {clusterNames ? (
              <TD>
                <Link href={`/clusters/${backup.clusterId}`} className="hover:underline">
                  {clusterNames[backup.clusterId] ?? backup.clusterId.slice(0, 8)}
                </Link>
              </TD>
            ) : null}
            <TD>
              {tb(`kinds.${backup.kind}`)}
              {backup.kind === "logical" && backup.database ? (
                <code className="block text-xs text-zinc-500">{backup.database}</code>
              ) : null}
            </TD>
            <TD>
              <BackupStatus backup={backup} />
            </TD>
            <TD>
              {backup.label ? (
                <span title={backup.label} className="block max-w-40 truncate">
                  {backup.label}
                </span>
              ) : (
                <span className="text-zinc-400">—</span>
              )}
            </TD>
            <TD
              className="text-right whitespace-nowrap tabular-nums"
              title={formatBytesExact(backup.sizeBytes)}
            >
              {formatBytes(backup.sizeBytes)}
            </TD>
            <TD className="text-right whitespace-nowrap tabular-nums">
              {formatSeconds(backup.durationSeconds)}
            </TD>
            <TD>
              <LsnRange backup={backup} />
            </TD>
            <TD>
              <VerifiedBadge backup={backup} />
            </TD>
            {/* Takes whatever width is left and truncates to it; the full text is in the tooltip. */}
            <TD className="w-full max-w-0 min-w-24">
              {backup.error ? (
                <span title={backup.error} className="block truncate text-xs text-red-700">
                  {backup.error}
                </span>
              ) : (
                <span className="text-zinc-400">—</span>
              )}
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
