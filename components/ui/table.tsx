import type { ComponentProps } from "react";
import { cx } from "@/components/ui/cx";

export function Table({ className, ...props }: ComponentProps<"table">) {
  return (
    // A wide table scrolls inside its card, not the page. `relative`: an absolutely placed
    // descendant (an sr-only column name) is otherwise laid out against the page and widens it.
    <div className="relative overflow-x-auto">
      <table className={cx("w-full border-collapse text-left text-sm", className)} {...props} />
    </div>
  );
}

export function THead({ className, ...props }: ComponentProps<"thead">) {
  return <thead className={cx("border-b border-zinc-200 bg-zinc-50", className)} {...props} />;
}

export function TBody({ className, ...props }: ComponentProps<"tbody">) {
  return <tbody className={cx("divide-y divide-zinc-100", className)} {...props} />;
}

export function TR({ className, ...props }: ComponentProps<"tr">) {
  return <tr className={cx("hover:bg-zinc-50/70", className)} {...props} />;
}

export function TH({ className, scope = "col", ...props }: ComponentProps<"th">) {
  return (
    <th
      scope={scope}
      className={cx(
        "px-4 py-2 text-xs font-medium tracking-wide whitespace-nowrap text-zinc-500 uppercase",
        className,
      )}
      {...props}
    />
  );
}

export function TD({ className, ...props }: ComponentProps<"td">) {
  return <td className={cx("px-4 py-2 align-middle text-zinc-800", className)} {...props} />;
}
