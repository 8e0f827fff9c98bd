"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { formatBytes, formatSeconds, formatUtcSeconds } from "@/components/ui/format";
import { errorMessage } from "@/lib/client/fetcher";
import { useRestoreWindow } from "@/lib/client/use-backups";
import {
  failedTestResult,
  useClusterRepositories,
  useTestOffsiteRepository,
  type OffsiteRepositoryView,
  type RepositoryTestResult,
} from "@/lib/client/use-offsite";
import { OffsiteRepositoryForm } from "./offsite-repository-form";

// The cluster's offsite repository (issue 14): where copies of every backup and the shipped WAL
// go, how far the offsite WAL is behind the archive, and for admins the settings and "Test".

/**
 * The key's escrow fingerprint, as lib/offsite/age/keys.ts keyFingerprint computes it and
 * `age-keygen -y key.txt | tr -d '\n' | sha256sum | cut -c1-16` prints it: "3f2a-91bc-07de-55a0".
 */
function useRecipientFingerprint(recipient: string | undefined): string | null {
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  useEffect(() => {
    if (!recipient) return;
    let current = true;
    void crypto.subtle.digest("SHA-256", new TextEncoder().encode(recipient)).then((digest) => {
      const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
      if (current) setFingerprint(hex.slice(0, 16).match(/.{4}/g)!.join("-"));
    });
    return () => {
      current = false;
    };
  }, [recipient]);
  return recipient ? fingerprint : null;
}

function Dash() {
  return <span className="text-zinc-400">—</span>;
}

function RepositorySettings({ repository }: { repository: OffsiteRepositoryView }) {
  const recipient = repository.encryption?.enabled ? repository.encryption.recipient : undefined;
  const fingerprint = useRecipientFingerprint(recipient);
  return (
    <DescriptionList termWidth="9rem">
      <Description term="Endpoint">
        <code className="break-all">{repository.endpoint}</code>
        <span className="ml-2 text-zinc-500">
          {repository.region} · {repository.forcePathStyle ? "path-style" : "virtual-hosted"} URLs
        </span>
      </Description>
      <Description term="Bucket">
        <code>{repository.bucket}</code>
      </Description>
      <Description term="Prefix">
        {repository.prefix ? <code>{repository.prefix}</code> : <Dash />}
      </Description>
      <Description term="Access key">
        <code>{repository.accessKeyId}</code>
        <span className="ml-2 text-zinc-500">secret stored encrypted, never shown</span>
      </Description>
      <Description term="Encryption">
        {recipient ? (
          <span className="space-y-1">
            <span className="block">
              age, to <code className="break-all">{recipient}</code>
            </span>
            <span className="block text-zinc-600">
              key fingerprint <code>{fingerprint ?? "…"}</code> (record it with the escrowed key)
            </span>
            <span className="block text-amber-800">
              Walden never stores the secret key; losing it loses the encrypted backups.
            </span>
          </span>
        ) : (
          <span className="text-zinc-500">off (objects are stored as they are)</span>
        )}
      </Description>
      <Description term="Retention">
        {repository.retention ? (
          <>
            {repository.retention.days} days, at least {repository.retention.minBackups} physical
            {repository.retention.minBackups === 1 ? " backup" : " backups"}
          </>
        ) : (
          <span className="text-zinc-500">none of its own</span>
        )}
      </Description>
    </DescriptionList>
  );
}

/** The offsite WAL's distance from the archive, from the restore window the worker computes. */
function OffsiteLag({ clusterId }: { clusterId: string }) {
  const restoreWindow = useRestoreWindow(clusterId);
  const lag = restoreWindow.data?.offsite;
  if (restoreWindow.isPending) return <Dash />;
  if (!lag || lag.lagSeconds === null) {
    return <span className="text-zinc-500">not known yet: no WAL shipped offsite</span>;
  }
  return (
    <span className="flex flex-wrap items-center gap-2" data-testid="offsite-lag">
      <span className="tabular-nums">
        {formatBytes(lag.lagBytes)} · {formatSeconds(lag.lagSeconds)} behind the archive
      </span>
      {lag.lagSeconds === 0 ? <Badge tone="success">caught up</Badge> : null}
      {lag.latest ? (
        <span className="text-zinc-500">
          offsite WAL up to <time dateTime={lag.latest}>{formatUtcSeconds(lag.latest)}</time>
        </span>
      ) : null}
    </span>
  );
}

function TestResults({ result }: { result: RepositoryTestResult }) {
  return (
    <ul aria-label="Test results" className="space-y-1 text-sm">
      {result.checks.map((check) => (
        <li key={check.name} className="flex flex-wrap items-center gap-2">
          <Badge tone={check.ok ? "success" : "danger"}>
            {check.name}: {check.ok ? "ok" : "failed"}
          </Badge>
          <span className={check.ok ? "text-zinc-600" : "text-red-800"}>{check.message}</span>
        </li>
      ))}
    </ul>
  );
}

export function OffsiteRepositoryCard({ clusterId, canEdit }: { clusterId: string; canEdit: boolean }) {
  const repositories = useClusterRepositories(clusterId);
  const test = useTestOffsiteRepository(clusterId);
  const [editing, setEditing] = useState(false);
  const offsite = repositories.data?.offsite ?? null;
  const testResult = test.data ?? failedTestResult(test.error);

  return (
    <Card role="region" aria-label="Offsite repository">
      <CardHeader
        title="Offsite repository"
        description="S3-compatible storage that receives a copy of every backup and the archived WAL as it is shipped."
        actions={
          canEdit && repositories.data && !editing ? (
            <>
              {offsite ? (
                <Button variant="secondary" size="sm" onClick={() => test.mutate()} disabled={test.isPending}>
                  {test.isPending ? <Spinner /> : null}
                  Test
                </Button>
              ) : null}
              <Button
                variant="secondary"
                size="sm"
                onClick={() => {
                  test.reset();
                  setEditing(true);
                }}
              >
                {offsite ? "Edit" : "Set up"}
              </Button>
            </>
          ) : null
        }
      />
      <CardBody className="space-y-4">
        {repositories.isError ? (
          <Alert tone="error" title="Could not load the repositories">
            {errorMessage(repositories.error)}
          </Alert>
        ) : !repositories.data ? (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner /> Loading…
          </p>
        ) : offsite ? (
          <>
            <RepositorySettings repository={offsite} />
            <DescriptionList termWidth="9rem">
              <Description term="Offsite lag">
                <OffsiteLag clusterId={clusterId} />
              </Description>
            </DescriptionList>
          </>
        ) : (
          <p className="text-sm text-zinc-500">
            None: backups and WAL are only on this host.
            {canEdit ? " Set one up to keep a copy elsewhere (the 3-2-1 rule)." : ""}
          </p>
        )}

        {testResult ? <TestResults result={testResult} /> : null}
        {test.isError && !testResult ? (
          <Alert tone="error" title="The test could not run">
            {errorMessage(test.error)}
          </Alert>
        ) : null}

        {editing && repositories.data ? (
          <OffsiteRepositoryForm clusterId={clusterId} current={offsite} onDone={() => setEditing(false)} />
        ) : null}
      </CardBody>
    </Card>
  );
}
