import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { formatSeconds } from "@/components/ui/format";
import type { RestoreView, StepStatus } from "@/lib/schemas/restore-view";

type RestoreStatus = RestoreView["status"];

const tones: Record<RestoreStatus, BadgeTone> = {
  queued: "neutral",
  running: "info",
  succeeded: "success",
  failed: "danger",
  cancelled: "warning",
};

const descriptions: Record<RestoreStatus, string> = {
  queued: "Waiting for the worker to pick it up",
  running: "The worker is restoring now",
  succeeded: "Restored and verified",
  failed: "It stopped with an error; a restored instance it started was removed",
  cancelled: "Stopped on request; a restored instance it started was removed",
};

/** The restore's status; "cancelling" while a stop was asked for and the worker has not ended it yet. */
export function RestoreStatusBadge({
  restore,
}: {
  restore: Pick<RestoreView, "status" | "cancelRequested">;
}) {
  const cancelling = restore.cancelRequested && restore.status === "running";
  return (
    <span
      title={
        cancelling
          ? "Cancel requested: the worker stops it and removes what it made"
          : descriptions[restore.status]
      }
    >
      <Badge tone={cancelling ? "warning" : tones[restore.status]}>
        {cancelling ? "cancelling" : restore.status}
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
  const percent = Math.max(0, Math.min(100, Math.round(value ?? 0)));
  return (
    <span className={cx("flex items-center gap-2", wide && "w-full")}>
      <span
        role="progressbar"
        aria-label="Restore progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%${etaSeconds ? `, about ${formatSeconds(etaSeconds)} left` : ""}`}
        className={cx("block overflow-hidden rounded-full bg-zinc-200", wide ? "h-2 flex-1" : "h-1.5 w-20")}
      >
        <span
          className="block h-full rounded-full bg-sky-600 transition-[width] duration-500"
          style={{ width: `${percent}%` }}
        />
      </span>
      <span className="text-xs whitespace-nowrap text-zinc-600 tabular-nums">
        {percent}%{etaSeconds ? ` · about ${formatSeconds(etaSeconds)} left` : ""}
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
  const look = stepLooks[status];
  return (
    <span
      role="img"
      aria-label={status}
      title={status}
      className={cx("inline-flex size-4 shrink-0 items-center justify-center font-semibold", look.className)}
    >
      {status === "running" ? <Spinner className="size-3" /> : <span aria-hidden="true">{look.glyph}</span>}
    </span>
  );
}
