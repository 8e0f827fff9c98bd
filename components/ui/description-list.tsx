import type { CSSProperties, ReactNode } from "react";
import { cx } from "@/components/ui/cx";

// Term/definition pairs, the facts on a detail card, a dialog or a report.
// - rows: two columns from `sm` up (and in print), the terms `termWidth` wide; stacked on a phone.
// - tiles: a grid of figures, each term above its value; the caller sets the columns.

const layouts = {
  rows: cx(
    "grid grid-cols-1 gap-x-3 gap-y-0.5 sm:gap-y-1.5",
    "sm:grid-cols-[var(--term-width,9rem)_minmax(0,1fr)] print:grid-cols-[var(--term-width,9rem)_minmax(0,1fr)]",
    "[&_dd]:mb-1 sm:[&_dd]:mb-0 print:[&_dd]:mb-0",
  ),
  tiles: "grid gap-x-6 gap-y-3 [&>div]:block [&>div]:min-w-0 [&_dt]:text-xs [&_dd]:mt-0.5 [&_dd]:text-sm",
};

export function DescriptionList({
  layout = "rows",
  termWidth,
  size = "sm",
  termTone = "muted",
  className,
  children,
}: {
  layout?: keyof typeof layouts;
  /** rows: the terms' column, a CSS length ("7rem", "auto"); 9rem unless set. */
  termWidth?: string;
  size?: "sm" | "xs";
  /** muted: grey terms; strong: terms in the text's own color, medium weight (inside an alert). */
  termTone?: "muted" | "strong";
  className?: string;
  children: ReactNode;
}) {
  return (
    <dl
      className={cx(
        layouts[layout],
        size === "xs" ? "text-xs" : "text-sm",
        termTone === "muted" ? "[&_dt]:text-zinc-500" : "[&_dt]:font-medium",
        "[&_dd]:min-w-0 [&_dd]:break-words",
        className,
      )}
      style={termWidth ? ({ "--term-width": termWidth } as CSSProperties) : undefined}
    >
      {children}
    </dl>
  );
}

/** One term and its definition; `hint` is a quiet line under the definition. */
export function Description({
  term,
  hint,
  className,
  children,
}: {
  term: ReactNode;
  hint?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    // One group per pair, so a list of them can be keyed; it takes no room in the grid.
    <div className="contents">
      <dt>{term}</dt>
      <dd className={className}>
        {children}
        {hint ? <p className="text-[11px] leading-snug text-zinc-400">{hint}</p> : null}
      </dd>
    </div>
  );
}
