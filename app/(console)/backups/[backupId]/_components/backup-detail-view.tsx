"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { BackupKeepActions } from "@/components/backups/backup-keep-actions";
import { BackupProgress, BackupStatusBadge, LsnRange } from "@/components/backups/backup-status";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatBytes, formatBytesExact, formatSeconds, formatUtcSeconds } from "@/components/ui/format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import type { BackupDetail } from "@/lib/schemas/backup";
import { errorMessage } from "@/lib/client/fetcher";
import { isBackupActive, useBackup, useVerifyBackup } from "@/lib/client/use-backups";
import { BackupCopies } from "./backup-copies";

function Dash() {
  return <span className="text-zinc-400">—</span>;
}

function Code({ value }: { value: string | number | null }) {
  if (value === null) return <Dash />;
  return <code className="text-[13px] break-all">{value}</code>;
}

function At({ value }: { value: string | null }) {
  if (!value) return <Dash />;
  return (
    <time dateTime={value} className="tabular-nums">
      {formatUtcSeconds(value)}
    </time>
  );
}

/** 160004 → "16.4" (PostgreSQL 10 and newer number their versions major × 10000 + minor). */
function serverVersion(num: number | null): string | null {
  if (num === null) return null;
  return `${Math.floor(num / 10_000)}.${num % 10_000}`;
}

function optionValue(value: unknown): string {
  if (Array.isArray(value)) return value.length ? value.join(", ") : "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (value === null || value === undefined || value === "") return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The request's options that say something: not what the page already shows, not empty lists or "no". */
function Options({ options }: { options: unknown }) {
  const entries =
    options && typeof options === "object"
      ? Object.entries(options).filter(
          ([key, value]) =>
            !["clusterId", "kind", "label", "database"].includes(key) &&
            value !== false &&
            !(Array.isArray(value) && value.length === 0),
        )
      : [];
  if (entries.length === 0) return <Dash />;
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-0.5">
      {entries.map(([key, value]) => (
        <li key={key}>
          <span className="text-zinc-500">{key}</span>{" "}
          <code className="text-[13px]">{optionValue(value)}</code>
        </li>
      ))}
    </ul>
  );
}

/** A tail of a program's output; stays scrolled to the end while new lines arrive, unless scrolled up. */
function LogBox({ label, text }: { label: string; text: string }) {
  const ref = useRef<HTMLPreElement>(null);
  const following = useRef(true);
  useEffect(() => {
    const box = ref.current;
    if (box && following.current) box.scrollTop = box.scrollHeight;
  }, [text]);
  return (
    <pre
      ref={ref}
      aria-label={label}
      tabIndex={0}
      onScroll={(event) => {
        const box = event.currentTarget;
        following.current = box.scrollHeight - box.scrollTop - box.clientHeight < 24;
      }}
      className="max-h-96 overflow-auto rounded-md bg-zinc-950 px-3 py-2 font-mono text-xs leading-relaxed whitespace-pre-wrap text-zinc-100 focus-visible:outline-2 focus-visible:outline-emerald-600"
    >
      {text}
    </pre>
  );
}

/** Everything the catalog knows of one backup, polled every second while it is queued or running. */
export function BackupDetailView({
  initialBackup,
  clusterName,
  canVerify,
  canDelete,
}: {
  initialBackup: BackupDetail;
  clusterName: string;
  /** Operators and admins may start a verification, and pin or unpin. */
  canVerify: boolean;
  /** Admins may delete a backup (typed confirmation). */
  canDelete: boolean;
}) {
  const query = useBackup(initialBackup.id, initialBackup);
  const verify = useVerifyBackup(initialBackup.id);
  const backup = query.data ?? initialBackup;
  const active = isBackupActive(backup.status);
  // The shell commands to restore it without Walden exist for finished physical backups only.
  const hasRunbook = backup.status === "succeeded" && backup.kind === "physical";
  const t = useTranslations("backups.detail");
  const tb = useTranslations("backups");

  return (
    <div className="space-y-5">
      {(canVerify && backup.status === "succeeded") || hasRunbook || canDelete ? (
        <div className="flex flex-wrap items-center gap-3">
          {canVerify && backup.status === "succeeded" ? (
            <Button onClick={() => verify.mutate()} disabled={verify.isPending}>
              {t("verifyNow")}
            </Button>
          ) : null}
          {hasRunbook ? (
            <Link href={`/backups/${backup.id}/runbook`} className={buttonClasses()}>
              {t("runbook")}
            </Link>
          ) : null}
          <BackupKeepActions backup={backup} canPin={canVerify} canDelete={canDelete} />
          {verify.isSuccess ? <span className="text-sm text-zinc-600">{t("verifyQueued")}</span> : null}
          {verify.isError ? <span className="text-sm text-red-700">{errorMessage(verify.error)}</span> : null}
        </div>
      ) : null}
      {query.isError ? (
        <Alert tone="warning" title={t("refreshFailed")}>
          {errorMessage(query.error)}
        </Alert>
      ) : null}
      {backup.error ? (
        <Alert tone="error" title={t("failed")}>
          <span className="font-mono text-xs">{backup.error}</span>
        </Alert>
      ) : null}

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Card aria-labelledby="backup-summary-title">
          <CardHeader id="backup-summary-title" title={t("summary")} />
          <CardBody>
            <DescriptionList>
              <Description term={t("status")}>
                <span className="flex flex-wrap items-center gap-2">
                  <BackupStatusBadge status={backup.status} />
                  {active ? <BackupProgress value={backup.progress} /> : null}
                </span>
              </Description>
              <Description term={t("kind")}>
                {tb(`kinds.${backup.kind}`)}{" "}
                <span className="text-zinc-500">
                  {backup.kind === "physical" ? "(pg_basebackup)" : "(pg_dump)"}
                </span>
              </Description>
              <Description term={t("cluster")}>
                <Link href={`/clusters/${backup.clusterId}`} className="text-emerald-800 hover:underline">
                  {clusterName}
                </Link>
              </Description>
              <Description term={t("database")}>
                {backup.database ? <Code value={backup.database} /> : <Dash />}
              </Description>
              <Description term={t("label")}>{backup.label ?? <Dash />}</Description>
              <Description term={t("requestedBy")}>{backup.requestedBy}</Description>
              <Description term={t("created")}>
                <At value={backup.createdAt} />
              </Description>
              <Description term={t("started")}>
                <At value={backup.startedAt} />
              </Description>
              <Description term={t("finished")}>
                <At value={backup.finishedAt} />
              </Description>
              <Description term={t("duration")}>
                <span className="tabular-nums">{formatSeconds(backup.durationSeconds)}</span>
              </Description>
              <Description term={t("size")}>
                <span className="tabular-nums" title={formatBytesExact(backup.sizeBytes)}>
                  {formatBytes(backup.sizeBytes)}
                </span>
              </Description>
              <Description term={t("options")}>
                <Options options={backup.options} />
              </Description>
              <Description term={t("id")}>
                <Code value={backup.id} />
              </Description>
            </DescriptionList>
          </CardBody>
        </Card>

        <Card aria-labelledby="backup-wal-title">
          <CardHeader
            id="backup-wal-title"
            title={t("wal")}
            description={backup.kind === "physical" ? t("walPhysical") : t("walLogical")}
          />
          <CardBody>
            <DescriptionList>
              <Description term={t("lsnRange")}>
                <LsnRange backup={backup} />
              </Description>
              <Description term={t("startLsn")}>
                <Code value={backup.startLsn} />
              </Description>
              <Description term={t("stopLsn")}>
                <Code value={backup.stopLsn} />
              </Description>
              <Description term={t("timeline")}>
                <Code value={backup.timeline} />
              </Description>
              <Description term={t("startWal")}>
                <Code value={backup.startWal} />
              </Description>
              <Description term={t("stopWal")}>
                <Code value={backup.stopWal} />
              </Description>
              <Description term={t("serverVersion")}>
                {backup.serverVersionNum === null ? (
                  <Dash />
                ) : (
                  <span title={String(backup.serverVersionNum)}>
                    PostgreSQL {serverVersion(backup.serverVersionNum)}
                  </span>
                )}
              </Description>
              <Description term={t("systemIdentifier")}>
                <Code value={backup.systemIdentifier} />
              </Description>
              <Description term={t("checksum")}>
                {backup.checksum ? (
                  <>
                    <Code value={backup.checksum} />
                    <p className="text-xs text-zinc-500">
                      {t("checksumHelp")}
                      {backup.kind === "physical" ? t("checksumPhysical") : ""}
                    </p>
                  </>
                ) : (
                  <Dash />
                )}
              </Description>
              <Description term={t("verified")}>
                {backup.verified ? (
                  <span className="flex flex-wrap items-center gap-2">
                    <Badge tone="success">{t("verifiedBadge")}</Badge>
                    <At value={backup.verifiedAt} />
                  </span>
                ) : backup.status === "succeeded" ? (
                  <span className="text-zinc-500">{t("notYet")}</span>
                ) : (
                  <Dash />
                )}
              </Description>
              <Description term={t("pinned")}>
                {backup.pinned ? t("pinnedYes") : <span className="text-zinc-500">{t("no")}</span>}
              </Description>
            </DescriptionList>
          </CardBody>
        </Card>
      </div>

      <BackupCopies copies={backup.copies} />

      <Card aria-labelledby="backup-log-title">
        <CardHeader
          id="backup-log-title"
          title={t("log")}
          description={active ? t("logActive") : t("logDone")}
        />
        <CardBody>
          {backup.log ? (
            <LogBox label={t("backupLog")} text={backup.log} />
          ) : (
            <p className="text-sm text-zinc-500">
              {backup.status === "queued" ? t("logQueued") : active ? t("logRunning") : t("noLog")}
            </p>
          )}
        </CardBody>
      </Card>

      {backup.verifyLog ? (
        <Card aria-labelledby="verify-log-title">
          <CardHeader id="verify-log-title" title={t("verifyLog")} />
          <CardBody>
            <LogBox label={t("verifyLog")} text={backup.verifyLog} />
          </CardBody>
        </Card>
      ) : null}
    </div>
  );
}
