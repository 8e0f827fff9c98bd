import Link from "next/link";
import { cx } from "@/components/ui/cx";

/** The name that links home: light on the navigation, dark in a phone's header. */
export function Brand({ onShell = false }: { onShell?: boolean }) {
  return (
    <Link
      href="/"
      className={cx(
        "flex items-center gap-2 px-2.5 text-base font-semibold tracking-tight",
        onShell ? "text-shell-text" : "text-zinc-900",
      )}
    >
      <span aria-hidden="true" className={onShell ? "text-shell-accent" : "text-emerald-600"}>
        ◆
      </span>
      Walden
    </Link>
  );
}
