"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { formatBytes } from "@/components/ui/format";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
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

const ACTION: Record<RepositoryImportAction, { label: string; tone: BadgeTone }> = {
  add: { label: "to import", tone: "accent" },
  "add-copy": { label: "copy to record", tone: "info" },
  known: { label: "already known", tone: "neutral" },
  refused: { label: "refused", tone: "danger" },
};

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
  if (!result.entries.length)
    return <p className="text-sm text-zinc-500">No backup is described in {result.location}.</p>;
  return (
    <Table aria-label="Backups in the repository">
      <THead>
        <TR>
          <TH>Backup</TH>
          <TH>Kind</TH>
          <TH>Finished</TH>
          <TH>Size</TH>
          <TH>What happens</TH>
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
                  encrypted
                </Badge>
              ) : null}
            </TD>
            <TD>{entry.kind ?? "—"}</TD>
            <TD>
              <Time value={entry.finishedAt} />
            </TD>
            <TD className="tabular-nums">{entry.sizeBytes === null ? "—" : formatBytes(entry.sizeBytes)}</TD>
            <TD>
              <Badge tone={ACTION[entry.action].tone}>{ACTION[entry.action].label}</Badge>
              {entry.reason ? <span className="ml-2 text-sm text-zinc-600">{entry.reason}</span> : null}
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

function Summary({ result }: { result: RepositoryImportResult }) {
  const count = (action: RepositoryImportAction) =>
    result.entries.filter((entry) => entry.action === action).length;
  return (
    <div className="space-y-1 text-sm text-zinc-700">
      <p>
        <code className="break-all">{result.location}</code> — system identifier{" "}
        <code>{result.systemIdentifier}</code>, checked against the cluster&apos;s {result.checkedAgainst}.
      </p>
      {result.backups.earliestFinishedAt ? (
        <p>
          Physical backups from <Time value={result.backups.earliestFinishedAt} /> to{" "}
          <Time value={result.backups.latestFinishedAt} />
          {result.wal?.firstWal
            ? `; offsite WAL ${result.wal.firstWal} … ${result.wal.lastWal} (${result.wal.segments} segments)`
            : ""}
          .
        </p>
      ) : null}
      {result.dryRun ? (
        <p>
          {count("add")} to import, {count("add-copy")} copies to record, {count("known")} already known,{" "}
          {count("refused")} refused. Imported backups are not verified: verify them after the import.
        </p>
      ) : (
        <p role="status">
          Imported {result.added} {result.added === 1 ? "backup" : "backups"} and recorded{" "}
          {result.copiesRecorded} {result.copiesRecorded === 1 ? "copy" : "copies"}.
        </p>
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
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Import ${adds} ${adds === 1 ? "backup" : "backups"}?`}
      description={
        <>
          From <code className="break-all">{result.location}</code>: {adds} added to this catalog as succeeded
          {copies ? `, ${copies} known ${copies === 1 ? "backup gains its" : "backups gain their"} copy` : ""}
          . Their verification is not carried over: verify them once imported. Audited.
        </>
      }
    >
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button onClick={onConfirm}>Import</Button>
      </div>
    </Dialog>
  );
}

/** Admins only: list (dry run) and import the backups a repository describes. */
export function RepositoryImportCard({ clusterId }: { clusterId: string }) {
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
    <Card role="region" aria-label="Import from a repository">
      <CardHeader
        title="Import from a repository"
        description="After losing Walden's catalog or host: list the backups an existing repository describes, then add them to this catalog."
        actions={
          <>
            <Button
              variant="secondary"
              size="sm"
              disabled={importing.isPending}
              onClick={() => list("local")}
            >
              List local
            </Button>
            {hasOffsite ? (
              <Button
                variant="secondary"
                size="sm"
                disabled={importing.isPending}
                onClick={() => list("offsite")}
              >
                List offsite
              </Button>
            ) : null}
          </>
        }
      />
      <CardBody className="space-y-4">
        {importing.isPending ? (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner /> Reading the {repository} repository…
          </p>
        ) : null}
        {importing.isError ? (
          <Alert tone="error" title="The repository cannot be imported">
            {errorMessage(importing.error)}
          </Alert>
        ) : null}
        {result ? (
          <>
            <ImportPreview result={result} />
            {importable ? (
              <Button onClick={() => setConfirming(true)} disabled={importing.isPending}>
                Import…
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
