import { useId, type ComponentProps, type ReactNode } from "react";
import { cx } from "@/components/ui/cx";
import { FieldError } from "@/components/ui/field";

// Checkboxes and radios with a title and a hint: the title alone names the control and the
// hint describes it (aria-describedby), so a screen reader hears "No owners, checkbox" first.

type InputProps = Omit<ComponentProps<"input">, "type" | "title">;

/** One checkbox; `tone="danger"` for one whose choice destroys something. */
export function CheckboxField({
  label,
  hint,
  error,
  tone = "default",
  className,
  ...input
}: InputProps & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  tone?: "default" | "danger";
}) {
  const ownId = useId();
  const id = input.id ?? ownId;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={cx("text-sm", className)}>
      <div className="flex items-start gap-2">
        <input
          type="checkbox"
          aria-invalid={error ? true : undefined}
          aria-describedby={[hint ? hintId : "", error ? errorId : ""].join(" ").trim() || undefined}
          className={cx("mt-0.5", tone === "danger" ? "accent-red-600" : "accent-emerald-700")}
          {...input}
          id={id}
        />
        <div>
          <label htmlFor={id}>{label}</label>
          {hint ? (
            <p id={hintId} className="text-xs text-zinc-500">
              {hint}
            </p>
          ) : null}
        </div>
      </div>
      {error ? <FieldError id={errorId}>{error}</FieldError> : null}
    </div>
  );
}

/** One radio as a box; the checked one is highlighted. */
export function RadioCard({ title, hint, ...input }: InputProps & { title: string; hint?: ReactNode }) {
  const hintId = useId();
  return (
    <label className="flex cursor-pointer items-start gap-2 rounded-md px-2 py-1.5 ring-1 ring-zinc-200 ring-inset has-checked:bg-emerald-50 has-checked:ring-emerald-300">
      <input
        type="radio"
        aria-label={title}
        aria-describedby={hint ? hintId : undefined}
        className="mt-0.5 accent-emerald-700"
        {...input}
      />
      <span className="text-sm">
        <span className="font-medium text-zinc-900">{title}</span>
        {hint ? (
          <span id={hintId} className="block text-xs text-zinc-600">
            {hint}
          </span>
        ) : null}
      </span>
    </label>
  );
}
