import Link from "next/link";
import type { ComponentProps } from "react";
import { cx } from "@/components/ui/cx";

type Variant = "primary" | "secondary" | "danger" | "ghost";
type Size = "sm" | "md";

const variants: Record<Variant, string> = {
  primary: "bg-emerald-700 text-white shadow-sm hover:bg-emerald-800 focus-visible:outline-emerald-700",
  secondary:
    "bg-white text-zinc-800 shadow-sm ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 focus-visible:outline-zinc-500",
  danger: "bg-red-600 text-white shadow-sm hover:bg-red-700 focus-visible:outline-red-600",
  ghost: "text-zinc-700 hover:bg-zinc-100 focus-visible:outline-zinc-500",
};

const sizes: Record<Size, string> = {
  sm: "h-7 px-2.5 text-xs gap-1.5",
  md: "h-8.5 px-3.5 text-sm gap-2",
};

export function buttonClasses({
  variant = "secondary",
  size = "md",
}: { variant?: Variant; size?: Size } = {}) {
  return cx(
    "inline-flex shrink-0 items-center justify-center rounded-md font-medium whitespace-nowrap transition-colors",
    "focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed disabled:opacity-50",
    variants[variant],
    sizes[size],
  );
}

export function Button({
  variant,
  size,
  className,
  type = "button",
  ...props
}: ComponentProps<"button"> & { variant?: Variant; size?: Size }) {
  return <button type={type} className={cx(buttonClasses({ variant, size }), className)} {...props} />;
}

/** A form's submit button: disabled, with a spinner, while the form is `busy`. */
export function SubmitButton({
  busy,
  disabled,
  variant = "primary",
  children,
  ...props
}: Omit<ComponentProps<typeof Button>, "type"> & { busy: boolean }) {
  return (
    <Button type="submit" variant={variant} disabled={busy || disabled} {...props}>
      {busy ? <Spinner /> : null}
      {children}
    </Button>
  );
}

export function ButtonLink({
  variant,
  size,
  className,
  ...props
}: ComponentProps<typeof Link> & { variant?: Variant; size?: Size }) {
  return <Link className={cx(buttonClasses({ variant, size }), className)} {...props} />;
}

export function Spinner({ className }: { className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cx(
        "inline-block size-3.5 animate-spin rounded-full border-2 border-current border-r-transparent",
        className,
      )}
    />
  );
}
