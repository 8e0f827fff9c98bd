import { useTranslations } from "next-intl";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { useFormat } from "@/components/ui/use-format";
import type { RestoreView, StepStatus } from "@/lib/schemas/restore-view";

type RestoreStatus = RestoreView["status"];

const tones: Record<RestoreStatus, BadgeTone> = {
  queued: "neutral",
  running: "info",
  succeeded: "success",
  failed: "danger",
  cancelled: "warning",
};

/** The restore's status; "cancelling" while a stop was asked for and the worker has not ended it yet. */
export function RestoreStatusBadge({
  restore,
}: {
  restore: Pick<RestoreView, "status" | "cancelRequested">;
}) {
  const t = useTranslations("restores.status");
  const status = useTranslations("common.status");
  const cancelling = restore.cancelRequested && restore.status === "running";
  return (
    <span title={cancelling ? t("cancelling") : t(restore.status)}>
      <Badge tone={cancelling ? "warning" : tones[restore.status]}>
        {cancelling ? status("cancelling") : status(restore.status)}
      </Badge>
    </span>
  );
}

/** A progress bar with the percentage and, when the worker has an estimate, the time left. */
export function RestoreProgress({
  value,
  etaSeconds,
  wide = false,
}: {
  value: number | null;
  etaSeconds: number | null;
  /** The detail page's bar fills its row; a table's stays small. */
  wide?: boolean;
}) {
  const t = useTranslations("restores.progress");
  const { formatSeconds } = useFormat();
  const percent = Math.max(0, Math.min(100, Math.round(value ?? 0)));
  const left = etaSeconds ? formatSeconds(etaSeconds) : null;
  return (
    <span className={cx("flex items-center gap-2", wide && "w-full")}>
      <span
        role="progressbar"
        aria-label={t("label")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={left ? t("valueLeft", { percent, left }) : `${percent}%`}
        className={cx("block overflow-hidden rounded-full bg-zinc-200", wide ? "h-2 flex-1" : "h-1.5 w-20")}
      >
        <span
          className="block h-full rounded-full bg-sky-600 transition-[width] duration-500"
          style={{ width: `${percent}%` }}
        />
      </span>
      <span className="text-xs whitespace-nowrap text-zinc-600 tabular-nums">
        {percent}%{left ? ` · ${t("left", { left })}` : ""}
      </span>
    </span>
  );
}

const stepLooks: Record<StepStatus, { glyph: string; className: string }> = {
  pending: { glyph: "○", className: "text-zinc-400" },
  running: { glyph: "", className: "text-sky-600" },
  succeeded: { glyph: "✓", className: "text-green-700" },
  failed: { glyph: "✗", className: "text-red-600" },
  cancelled: { glyph: "⊘", className: "text-amber-600" },
  skipped: { glyph: "–", className: "text-zinc-400" },
};

/** One glyph per step status (a spinner while it runs), named for screen readers. */
export function StepStatusIcon({ status }: { status: StepStatus }) {
  const t = useTranslations("common.status");
  const look = stepLooks[status];
  return (
    <span
      role="img"
      aria-label={t(status)}
      title={t(status)}
      className={cx("inline-flex size-4 shrink-0 items-center justify-center font-semibold", look.className)}
    >
      {status === "running" ? <Spinner className="size-3" /> : <span aria-hidden="true">{look.glyph}</span>}
    </span>
  );
}
