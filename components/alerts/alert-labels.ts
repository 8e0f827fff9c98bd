import { useTranslations } from "next-intl";
import type { BadgeTone } from "@/components/ui/badge";
import type { AlertKind, Severity } from "@/lib/schemas/alerts";

/** What each alert kind is called in the console. */
export const alertKindLabels: Record<AlertKind, string> = {
  replication_lag_bytes: "Replication lag (bytes)",
  replication_lag_seconds: "Replication lag (time)",
  standby_down: "Standby down",
  replay_paused: "Replay paused",
  slot_inactive: "Slot inactive",
  slot_wal_at_risk: "Slot WAL at risk",
  archiver_failing: "Archiver failing",
  wal_gap: "WAL gap",
  backup_overdue: "Backup overdue",
  backup_failed: "Backup failed",
  verify_failed: "Verification failed",
  drill_failed: "Restore drill failed",
  offsite_lag: "Offsite WAL behind",
  split_brain: "Split brain (two primaries)",
};

export function alertKindLabel(kind: string): string {
  return (alertKindLabels as Record<string, string>)[kind] ?? kind;
}

/** alertKindLabel in the reader's language (a hook: call it in a component). */
export function useAlertKindLabel(): (kind: string) => string {
  const t = useTranslations("alerts");
  return (kind) => (kind in alertKindLabels ? t(`kinds.${kind as AlertKind}`) : kind);
}

/** A severity's name in the reader's language (a hook). */
export function useSeverityLabel(): (severity: string) => string {
  const t = useTranslations("alerts");
  return (severity) =>
    severity === "warning" || severity === "critical" ? t(`severity.${severity}`) : severity;
}

export const severityTones: Record<Severity, BadgeTone> = { warning: "warning", critical: "danger" };

export function severityTone(severity: string): BadgeTone {
  return (severityTones as Record<string, BadgeTone>)[severity] ?? "neutral";
}
