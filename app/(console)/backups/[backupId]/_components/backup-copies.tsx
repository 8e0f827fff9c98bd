import { useTranslations } from "next-intl";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatBytes, formatBytesExact, formatUtcSeconds } from "@/components/ui/format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { BackupCopyView } from "@/lib/schemas/backup";

// Where a backup is besides the local repository (issue 14): each copy, in a second folder
// ("local") or on the offsite repository, with its status, size and when it was checked.

const statusTones: Record<string, BadgeTone> = {
  succeeded: "success",
  running: "info",
  failed: "danger",
};

export function BackupCopies({ copies }: { copies: BackupCopyView[] }) {
  const t = useTranslations("backups.copies");
  return (
    <Card role="region" aria-label={t("title")}>
      <CardHeader title={t("title")} description={t("description")} />
      {copies.length === 0 ? (
        <CardBody>
          <p className="text-sm text-zinc-500">{t("none")}</p>
        </CardBody>
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>{t("repository")}</TH>
              <TH>{t("status")}</TH>
              <TH>{t("size")}</TH>
              <TH>{t("verified")}</TH>
              <TH>{t("location")}</TH>
            </TR>
          </THead>
          <TBody>
            {copies.map((copy, index) => (
              <TR key={`${copy.repository}-${copy.location ?? index}`}>
                <TD>{copy.repository}</TD>
                <TD>
                  <Badge tone={statusTones[copy.status] ?? "neutral"}>{copy.status}</Badge>
                  {copy.error ? <p className="mt-1 font-mono text-xs text-red-800">{copy.error}</p> : null}
                </TD>
                <TD className="tabular-nums" title={formatBytesExact(copy.sizeBytes)}>
                  {formatBytes(copy.sizeBytes)}
                </TD>
                <TD className="tabular-nums">
                  {copy.verifiedAt ? (
                    <time dateTime={copy.verifiedAt}>{formatUtcSeconds(copy.verifiedAt)}</time>
                  ) : (
                    <span className="text-zinc-400">—</span>
                  )}
                </TD>
                <TD>
                  {copy.location ? (
                    <code className="text-[13px] break-all">{copy.location}</code>
                  ) : (
                    <span className="text-zinc-400">—</span>
                  )}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}
