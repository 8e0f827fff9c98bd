import type { ComponentProps, ReactNode } from "react";
import { cx } from "@/components/ui/cx";

export function Label({ className, ...props }: ComponentProps<"label">) {
  return <label className={cx("block text-xs font-medium text-zinc-700", className)} {...props} />;
}

/**
 * A label, its control, and the hint or error under it. The control should set
 * aria-invalid and aria-describedby={errorId(id)} itself (see `describedBy`).
 */
export function Field({
  id,
  label,
  error,
  hint,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={cx("space-y-1", className)}>
      <Label htmlFor={id}>{label}</Label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-600">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** aria props for a control inside <Field>: marks it invalid and links the message. */
export function describedBy(id: string, error: string | undefined, hasHint = false) {
  return {
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : hasHint ? `${id}-hint` : undefined,
  } as const;
}
