import { useId, type ComponentProps, type ReactNode } from "react";
import { cx } from "@/components/ui/cx";

export function Label({ className, ...props }: ComponentProps<"label">) {
  return <label className={cx("block text-xs font-medium text-zinc-700", className)} {...props} />;
}

/** A problem shown under a control or a group of them. */
export function FieldError({ className, ...props }: ComponentProps<"p">) {
  return <p className={cx("text-xs text-red-600", className)} {...props} />;
}

/** What the control inside a <Field> spreads onto itself. */
export interface FieldControl {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/**
 * A label, its control, and the hint or error under it. The control is rendered by `children`
 * with the props that tie the three together (its id, aria-invalid, aria-describedby), so no
 * form repeats that wiring by hand. `id` only where something else must point at the control.
 */
export function Field({
  id,
  label,
  error,
  hint,
  className,
  children,
}: {
  id?: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  className?: string;
  children: (control: FieldControl) => ReactNode;
}) {
  const ownId = useId();
  const controlId = id ?? ownId;
  const errorId = `${controlId}-error`;
  const hintId = `${controlId}-hint`;
  return (
    <div className={cx("space-y-1", className)}>
      <Label htmlFor={controlId}>{label}</Label>
      {children({
        id: controlId,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": error ? errorId : hint ? hintId : undefined,
      })}
      {error ? (
        <FieldError id={errorId}>{error}</FieldError>
      ) : hint ? (
        <p id={hintId} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
