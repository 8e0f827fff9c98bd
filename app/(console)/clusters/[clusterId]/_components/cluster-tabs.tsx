"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { cx } from "@/components/ui/cx";

/** The cluster page's sections, each a route of its own; "" is /clusters/:id itself. */
export const CLUSTER_TABS = [
  { segment: "", key: "replication" },
  { segment: "backups", key: "backups" },
  { segment: "restores", key: "restores" },
  { segment: "alerts", key: "alerts" },
  { segment: "settings", key: "settings" },
] as const;

export function tabHref(clusterId: string, segment: string): string {
  const base = `/clusters/${encodeURIComponent(clusterId)}`;
  return segment ? `${base}/${segment}` : base;
}

/**
 * The tab bar: plain links (reload, back and forward work; Tab reaches each one), the current
 * one marked with aria-current. On a phone the bar scrolls sideways inside itself, never the page.
 */
export function ClusterTabs({ clusterId }: { clusterId: string }) {
  const t = useTranslations("cluster.tabs");
  const pathname = usePathname();
  const listRef = useRef<HTMLUListElement>(null);
  const base = tabHref(clusterId, "");
  const current =
    CLUSTER_TABS.find(
      (tab) =>
        tab.segment &&
        (pathname === `${base}/${tab.segment}` || pathname.startsWith(`${base}/${tab.segment}/`)),
    )?.segment ?? "";

  // The current tab in view within the bar (a phone shows three or four at a time).
  useEffect(() => {
    const list = listRef.current;
    const active = list?.querySelector<HTMLElement>("[aria-current='page']");
    if (!list || !active) return;
    const left = active.offsetLeft - list.offsetLeft;
    if (left < list.scrollLeft || left + active.offsetWidth > list.scrollLeft + list.clientWidth)
      list.scrollLeft = Math.max(0, left - 16);
  }, [current]);

  return (
    <nav aria-label={t("label")} className="mb-5 border-b border-zinc-200">
      <ul ref={listRef} className="-mb-px flex max-w-full gap-1 overflow-x-auto">
        {CLUSTER_TABS.map((tab) => {
          const active = tab.segment === current;
          return (
            <li key={tab.key} className="shrink-0">
              <Link
                href={tabHref(clusterId, tab.segment)}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "inline-flex h-10 items-center border-b-2 px-3 text-sm font-medium whitespace-nowrap",
                  "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-emerald-700",
                  active
                    ? "border-emerald-700 text-emerald-800"
                    : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900",
                )}
              >
                {t(tab.key)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
