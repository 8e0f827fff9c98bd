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

export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={cx(control, "h-8.5 py-1.5 pr-8", className)} {...props} />;
}
