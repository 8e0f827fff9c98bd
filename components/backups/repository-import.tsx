"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { useFormat } from "@/components/ui/use-format";
import { apiFetch, errorMessage } from "@/lib/client/fetcher";
import { queryKeys } from "@/lib/client/query-keys";
import { useClusterRepositories } from "@/lib/client/use-offsite";
import type {
  RepositoryImportAction,
  RepositoryImportRequest,
  RepositoryImportResult,
} from "@/lib/schemas/repository-import";

// Disaster recovery (issue 14), for admins: a fresh Walden lists the backups an existing local
// or offsite repository describes (a dry run), and imports them after a confirm. The same
// endpoint answers both: POST /api/v1/clusters/:id/repositories/import.

/** The badge's tone for each action; its words are repositoryImport.actions.<action> in messages. */
const ACTION_TONE: Record<RepositoryImportAction, BadgeTone> = {
  add: "accent",
  "add-copy": "info",
  known: "neutral",
  refused: "danger",
};

const code = (chunks: ReactNode) => <code className="break-all">{chunks}</code>;

function useRepositoryImport(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RepositoryImportRequest) =>
      apiFetch<RepositoryImportResult>(
        `/api/v1/clusters/${encodeURIComponent(clusterId)}/repositories/import`,
        { method: "POST", body },
      ),
    onSuccess: (result) =>
      result.dryRun
        ? undefined
        : Promise.all([
            queryClient.invalidateQueries({ queryKey: queryKeys.backups.all }),
            queryClient.invalidateQueries({ queryKey: queryKeys.restoreWindow(clusterId) }),
          ]),
  });
}

function ImportList({ result }: { result: RepositoryImportResult }) {
  const t = useTranslations("backups");
  const { formatBytes } = useFormat();
  if (!result.entries.length)
    return (
      <p className="text-sm text-zinc-500">{t("repositoryImport.empty", { location: result.location })}</p>
    );
  return (
    <Table aria-label={t("repositoryImport.tableLabel")}>
      <THead>
        <TR>
          <TH>{t("repositoryImport.backup")}</TH>
          <TH>{t("repositoryImport.kind")}</TH>
          <TH>{t("repositoryImport.finished")}</TH>
          <TH>{t("repositoryImport.size")}</TH>
          <TH>{t("repositoryImport.whatHappens")}</TH>
        </TR>
      </THead>
      <TBody>
        {result.entries.map((entry) => (
          <TR key={entry.backupId}>
            <TD>
              <code>{entry.backupId.slice(0, 8)}</code>
              {entry.label ? <span className="ml-2 text-zinc-600">{entry.label}</span> : null}
              {entry.encrypted ? (
                <Badge tone="warning" className="ml-2">
                  {t("repositoryImport.encrypted")}
                </Badge>
              ) : null}
            </TD>
            <TD>{entry.kind ? t(`kinds.${entry.kind}`) : "—"}</TD>
            <TD>
              <Time value={entry.finishedAt} />
            </TD>
            <TD className="tabular-nums">{entry.sizeBytes === null ? "—" : formatBytes(entry.sizeBytes)}</TD>
            <TD>
              <Badge tone={ACTION_TONE[entry.action]}>{t(`repositoryImport.actions.${entry.action}`)}</Badge>
              {entry.reason ? <span className="ml-2 text-sm text-zinc-600">{entry.reason}</span> : null}
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

function Summary({ result }: { result: RepositoryImportResult }) {
  const t = useTranslations("backups.repositoryImport");
  const count = (action: RepositoryImportAction) =>
    result.entries.filter((entry) => entry.action === action).length;
  return (
    <div className="space-y-1 text-sm text-zinc-700">
      <p>
        {t.rich("source", {
          location: result.location,
          systemIdentifier: result.systemIdentifier ?? "",
          against: t(`against.${result.checkedAgainst}`),
          code,
          id: (chunks) => <code>{chunks}</code>,
        })}
      </p>
      {result.backups.earliestFinishedAt ? (
        <p>
          {t.rich(result.wal?.firstWal ? "rangeWithWal" : "range", {
            from: () => <Time value={result.backups.earliestFinishedAt} />,
            to: () => <Time value={result.backups.latestFinishedAt} />,
            firstWal: result.wal?.firstWal ?? "",
            lastWal: result.wal?.lastWal ?? "",
            segments: result.wal?.segments ?? 0,
          })}
        </p>
      ) : null}
      {result.dryRun ? (
        <p>
          {t("counts", {
            add: count("add"),
            copies: count("add-copy"),
            known: count("known"),
            refused: count("refused"),
          })}
        </p>
      ) : (
        <p role="status">{t("imported", { added: result.added, copies: result.copiesRecorded })}</p>
      )}
    </div>
  );
}

/** The dry run's (or the import's) answer: the repository, then each backup and what happens to it. */
export function ImportPreview({ result }: { result: RepositoryImportResult }) {
  return (
    <>
      <Summary result={result} />
      <ImportList result={result} />
    </>
  );
}

/** Asks before the catalog changes: what is added, and that it is not verified. */
function ConfirmImport({
  result,
  onConfirm,
  onClose,
}: {
  result: RepositoryImportResult;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const adds = result.entries.filter((entry) => entry.action === "add").length;
  const copies = result.entries.filter((entry) => entry.action === "add-copy").length;
  const t = useTranslations("backups.repositoryImport");
  return (
    <Dialog
      open
      onClose={onClose}
      title={t("confirmTitle", { count: adds })}
      description={t.rich("confirmDescription", { location: result.location, adds, copies, code })}
    >
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          {t("cancel")}
        </Button>
        <Button onClick={onConfirm}>{t("confirm")}</Button>
      </div>
    </Dialog>
  );
}

/** Admins only: list (dry run) and import the backups a repository describes. */
export function RepositoryImportCard({ clusterId }: { clusterId: string }) {
  const t = useTranslations("backups.repositoryImport");
  const importing = useRepositoryImport(clusterId);
  const hasOffsite = Boolean(useClusterRepositories(clusterId).data?.offsite);
  const [repository, setRepository] = useState<"local" | "offsite">("local");
  const [confirming, setConfirming] = useState(false);
  const result = importing.data ?? null;
  const importable = result?.dryRun
    ? result.entries.some((entry) => entry.action === "add" || entry.action === "add-copy")
    : false;
  const list = (chosen: "local" | "offsite") => {
    setRepository(chosen);
    importing.mutate({ repository: chosen, dryRun: true });
  };

  return (
    <Card role="region" aria-label={t("title")}>
      <CardHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <Button
              variant="secondary"
              size="sm"
              disabled={importing.isPending}
              onClick={() => list("local")}
            >
              {t("listLocal")}
            </Button>
            {hasOffsite ? (
              <Button
                variant="secondary"
                size="sm"
                disabled={importing.isPending}
                onClick={() => list("offsite")}
              >
                {t("listOffsite")}
              </Button>
            ) : null}
          </>
        }
      />
      <CardBody className="space-y-4">
        {importing.isPending ? (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner /> {t(repository === "offsite" ? "readingOffsite" : "readingLocal")}
          </p>
        ) : null}
        {importing.isError ? (
          <Alert tone="error" title={t("failed")}>
            {errorMessage(importing.error)}
          </Alert>
        ) : null}
        {result ? (
          <>
            <ImportPreview result={result} />
            {importable ? (
              <Button onClick={() => setConfirming(true)} disabled={importing.isPending}>
                {t("importButton")}
              </Button>
            ) : null}
            {confirming && result.dryRun ? (
              <ConfirmImport
                result={result}
                onClose={() => setConfirming(false)}
                onConfirm={() => {
                  setConfirming(false);
                  importing.mutate({ repository: result.repository, dryRun: false });
                }}
              />
            ) : null}
          </>
        ) : null}
      </CardBody>
    </Card>
  );
}
