"use client";

import { useTranslations } from "next-intl";
import { useFinding } from "@/components/i18n/use-finding";
import { useEffect, useState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { useFormat } from "@/components/ui/use-format";
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
  const t = useTranslations("repositories.offsite");
  const code = (chunks: ReactNode) => <code className="break-all">{chunks}</code>;
  return (
    <DescriptionList termWidth="9rem">
      <Description term={t("endpoint")}>
        <code className="break-all">{repository.endpoint}</code>
        <span className="ml-2 text-zinc-500">
          {t(repository.forcePathStyle ? "urlsPathStyle" : "urlsVirtualHosted", {
            region: repository.region,
          })}
        </span>
      </Description>
      <Description term={t("bucket")}>
        <code>{repository.bucket}</code>
      </Description>
      <Description term={t("prefix")}>
        {repository.prefix ? <code>{repository.prefix}</code> : <Dash />}
      </Description>
      <Description term={t("accessKey")}>
        <code>{repository.accessKeyId}</code>
        <span className="ml-2 text-zinc-500">{t("secretStored")}</span>
      </Description>
      <Description term={t("encryption")}>
        {recipient ? (
          <span className="space-y-1">
            <span className="block">{t.rich("encryptedTo", { recipient, code })}</span>
            <span className="block text-zinc-600">
              {t.rich("fingerprint", {
                fingerprint: fingerprint ?? "…",
                code: (chunks) => <code>{chunks}</code>,
              })}
            </span>
            <span className="block text-amber-800">{t("keyWarning")}</span>
          </span>
        ) : (
          <span className="text-zinc-500">{t("encryptionOff")}</span>
        )}
      </Description>
      <Description term={t("retention")}>
        {repository.retention ? (
          t("retentionValue", {
            days: repository.retention.days,
            minBackups: repository.retention.minBackups,
          })
        ) : (
          <span className="text-zinc-500">{t("retentionNone")}</span>
        )}
      </Description>
    </DescriptionList>
  );
}

/** The offsite WAL's distance from the archive, from the restore window the worker computes. */
function OffsiteLag({ clusterId }: { clusterId: string }) {
  const restoreWindow = useRestoreWindow(clusterId);
  const lag = restoreWindow.data?.offsite;
  const t = useTranslations("repositories.offsite");
  const { formatBytes, formatSeconds, formatUtcSeconds } = useFormat();
  if (restoreWindow.isPending) return <Dash />;
  if (!lag || lag.lagSeconds === null) {
    return <span className="text-zinc-500">{t("lagUnknown")}</span>;
  }
  return (
    <span className="flex flex-wrap items-center gap-2" data-testid="offsite-lag">
      <span className="tabular-nums">
        {t("lagBehind", { bytes: formatBytes(lag.lagBytes), duration: formatSeconds(lag.lagSeconds) })}
      </span>
      {lag.lagSeconds === 0 ? <Badge tone="success">{t("caughtUp")}</Badge> : null}
      {lag.latest ? (
        <span className="text-zinc-500">
          {t.rich("walUpTo", {
            at: formatUtcSeconds(lag.latest),
            time: (chunks) => <time dateTime={lag.latest!}>{chunks}</time>,
          })}
        </span>
      ) : null}
    </span>
  );
}

function TestResults({ result }: { result: RepositoryTestResult }) {
  const t = useTranslations("repositories.offsite");
  // What each check did or what failed, in the reader's language (the API words it in English).
  const say = useFinding("offsiteTest");
  return (
    <ul aria-label={t("testResults")} className="space-y-1 text-sm">
      {result.checks.map((check) => (
        <li key={check.name} className="flex flex-wrap items-center gap-2">
          <Badge tone={check.ok ? "success" : "danger"}>
            {t(check.ok ? "checkOk" : "checkFailed", { name: check.name })}
          </Badge>
          <span className={check.ok ? "text-zinc-600" : "text-red-800"}>{say(check.message)}</span>
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
  const t = useTranslations("repositories.offsite");

  return (
    <Card role="region" aria-label={t("title")}>
      <CardHeader
        title={t("title")}
        description={t("description")}
        actions={
          canEdit && repositories.data && !editing ? (
            <>
              {offsite ? (
                <Button variant="secondary" size="sm" onClick={() => test.mutate()} disabled={test.isPending}>
                  {test.isPending ? <Spinner /> : null}
                  {t("test")}
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
                {offsite ? t("edit") : t("setUp")}
              </Button>
            </>
          ) : null
        }
      />
      <CardBody className="space-y-4">
        {repositories.isError ? (
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(repositories.error)}
          </Alert>
        ) : !repositories.data ? (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner /> {t("loading")}
          </p>
        ) : offsite ? (
          <>
            <RepositorySettings repository={offsite} />
            <DescriptionList termWidth="9rem">
              <Description term={t("lag")}>
                <OffsiteLag clusterId={clusterId} />
              </Description>
            </DescriptionList>
          </>
        ) : (
          <p className="text-sm text-zinc-500">
            {t("none")}
            {canEdit ? ` ${t("noneHint")}` : ""}
          </p>
        )}

        {testResult ? <TestResults result={testResult} /> : null}
        {test.isError && !testResult ? (
          <Alert tone="error" title={t("testFailed")}>
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
