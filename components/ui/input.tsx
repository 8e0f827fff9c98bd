import type { ComponentProps } from "react";
import { cx } from "@/components/ui/cx";

const control = cx(
  "block w-full rounded-md border-0 bg-white px-2.5 text-sm text-zinc-900 shadow-xs ring-1 ring-inset ring-zinc-300",
  "placeholder:text-zinc-400 focus:ring-2 focus:ring-emerald-600 focus:outline-none",
  "disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500",
  "aria-[invalid=true]:ring-red-400 aria-[invalid=true]:focus:ring-red-500",
);

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cx(control, "h-8.5 py-1.5", className)} {...props} />;
}

/** One option of a <Select>: a value shown as it is, or [value, label]. */
export type Choice = string | readonly [value: string, label: string];

/** `children` first (a "none"/"automatic" option), then `choices`. */
export function Select({
  className,
  choices = [],
  children,
  ...props
}: ComponentProps<"select"> & { choices?: readonly Choice[] }) {
  return (
    <select className={cx(control, "h-8.5 py-1.5 pr-8", className)} {...props}>
      {children}
      {choices.map((choice) => {
        const [value, label] = typeof choice === "string" ? [choice, choice] : choice;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </select>
  );
}

/** Monospace: what is typed here is names, patterns or SQL. */
export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea className={cx(control, "py-1.5 font-mono", className)} {...props} />;
}
