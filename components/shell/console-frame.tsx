"use client";

import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from "react";
import { cx } from "@/components/ui/cx";

const menuId = "console-menu";

/**
 * The console's frame: the navigation beside the page from `lg` up; below it (a phone) a header
 * with a Menu button that slides the same navigation in over the page. Following a link,
 * Escape, or a tap outside closes it.
 */
export function ConsoleFrame({
  brand,
  sidebar,
  headerEnd,
  children,
}: {
  brand: ReactNode;
  sidebar: ReactNode;
  headerEnd: ReactNode;
  children: ReactNode;
}) {
  const t = useTranslations("shell");
  const [open, setOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();

  // A navigation that happened some other way (back button, a link in the page) closes it too.
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }

  const menu = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!open) return;
    // The menu comes before the page in the DOM: take the keyboard there, not past it.
    menu.current?.querySelector("a")?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  const closeOnLink = (event: MouseEvent<HTMLElement>) => {
    if (event.target instanceof Element && event.target.closest("a")) setOpen(false);
  };

  return (
    <div className="flex min-h-screen">
      {open ? (
        <div
          aria-hidden="true"
          className="fixed inset-0 z-30 bg-black/50 lg:hidden"
          onClick={() => setOpen(false)}
        />
      ) : null}
      <div
        id={menuId}
        className={cx(
          "fixed inset-y-0 left-0 z-40 w-64 bg-shell shadow-xl lg:static lg:z-auto lg:block lg:w-52 lg:shrink-0 lg:shadow-none print:hidden",
          // Closed on a phone: out of sight, out of the tab order and of the accessibility tree.
          open ? "block" : "hidden",
        )}
      >
        <aside
          ref={menu}
          className="sticky top-0 flex h-dvh flex-col overflow-y-auto px-3 py-4"
          onClick={closeOnLink}
        >
          {sidebar}
        </aside>
      </div>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-20 flex h-12 items-center gap-2 border-b border-zinc-200 bg-white/90 px-3 backdrop-blur sm:gap-3 sm:px-6 print:hidden">
          <button
            ref={menuButton}
            type="button"
            aria-expanded={open}
            aria-controls={menuId}
            onClick={() => setOpen((shown) => !shown)}
            className="-ml-1 inline-flex h-9 shrink-0 items-center gap-1.5 rounded-md px-2 text-sm font-medium text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-emerald-700 lg:hidden"
          >
            <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5" fill="currentColor">
              <path d="M3 5h14v1.5H3zM3 9.25h14v1.5H3zM3 13.5h14V15H3z" />
            </svg>
            {t("menu")}
          </button>
          <div className="shrink-0 lg:hidden">{brand}</div>
          <div className="ml-auto flex min-w-0 items-center justify-end gap-2 sm:gap-3">{headerEnd}</div>
        </header>
        <main className="mx-auto w-full max-w-7xl min-w-0 flex-1 px-3 py-4 sm:px-6 sm:py-6">{children}</main>
      </div>
    </div>
  );
}
