import { useTranslations } from "next-intl";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { BackupSummary } from "@/lib/schemas/backup";

type BackupStatus = BackupSummary["status"];

const tones: Record<BackupStatus, BadgeTone> = {
  queued: "neutral",
  running: "info",
  succeeded: "success",
  failed: "danger",
  expired: "neutral",
};

export function BackupStatusBadge({ status }: { status: BackupStatus }) {
  const t = useTranslations("backups");
  return (
    <span title={t(`statusHelp.${status}`)}>
      <Badge tone={tones[status]}>{t(`status.${status}`)}</Badge>
    </span>
  );
}

/** How far the worker got, 0–100; pg_basebackup reports it, pg_dump does not (it stays at 0). */
export function BackupProgress({ value, className }: { value: number | null; className?: string }) {
  const t = useTranslations("backups.badges");
  const percent = Math.max(0, Math.min(100, Math.round(value ?? 0)));
  return (
    <span className={className ?? "flex items-center gap-2"}>
      <span
        role="progressbar"
        aria-label={t("progress")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%`}
        className="block h-1.5 w-20 overflow-hidden rounded-full bg-zinc-200"
      >
        <span
          className="block h-full rounded-full bg-sky-600 transition-[width] duration-500"
          style={{ width: `${percent}%` }}
        />
      </span>
      <span className="text-xs text-zinc-600 tabular-nums">{percent}%</span>
    </span>
  );
}

/** The status badge, and while the backup runs, its progress bar under it. */
export function BackupStatus({ backup }: { backup: Pick<BackupSummary, "status" | "progress"> }) {
  return (
    <span className="flex flex-col items-start gap-1">
      <BackupStatusBadge status={backup.status} />
      {backup.status === "running" ? <BackupProgress value={backup.progress} /> : null}
    </span>
  );
}

export function VerifiedBadge({
  backup,
}: {
  backup: Pick<BackupSummary, "status" | "verified" | "verifiedAt">;
}) {
  const t = useTranslations("backups.badges");
  if (backup.verified) {
    return (
      <span title={backup.verifiedAt ? t("verifiedAt", { time: backup.verifiedAt }) : undefined}>
        <Badge tone="success">{t("verified")}</Badge>
      </span>
    );
  }
  if (backup.status !== "succeeded") return <span className="text-zinc-400">—</span>;
  return (
    <span title={t("notChecked")} className="text-zinc-500">
      {t("no")}
    </span>
  );
}

/** "0/3000028 → 0/3000138 · TL 1", or a dash for a logical backup (pg_dump has no WAL range). */
export function LsnRange({ backup }: { backup: Pick<BackupSummary, "startLsn" | "stopLsn" | "timeline"> }) {
  const t = useTranslations("backups.badges");
  if (!backup.startLsn && !backup.stopLsn) return <span className="text-zinc-400">—</span>;
  return (
    <span className="whitespace-nowrap">
      <code className="text-[13px]">{backup.startLsn ?? "?"}</code>
      <span aria-label={t("to")} className="mx-1 text-zinc-400">
        →
      </span>
      <code className="text-[13px]">{backup.stopLsn ?? "?"}</code>
      {backup.timeline !== null ? (
        <span className="ml-1.5 text-xs text-zinc-500" title={t("timeline", { timeline: backup.timeline })}>
          TL {backup.timeline}
        </span>
      ) : null}
    </span>
  );
}
