"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { cx } from "@/components/ui/cx";

const items = [
  { href: "/", label: "overview" },
  { href: "/clusters", label: "clusters" },
  { href: "/backups", label: "backups" },
  { href: "/restores", label: "restores" },
  { href: "/alerts", label: "alerts" },
  { href: "/reports", label: "reports" },
  { href: "/settings", label: "settings" },
] as const;

function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(href + "/");
}

export function SidebarNav() {
  const pathname = usePathname();
  const t = useTranslations("shell.nav");
  return (
    <nav aria-label={t("label")}>
      <ul className="space-y-0.5">
        {items.map((item) => {
          const active = isActive(pathname, item.href);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "flex items-center rounded-md px-2.5 py-2 text-sm font-medium transition-colors lg:py-1.5",
                  active
                    ? "bg-shell-raised text-shell-text"
                    : "text-shell-muted hover:bg-shell-raised/60 hover:text-shell-text",
                )}
              >
                {active ? (
                  <span aria-hidden="true" className="mr-2 h-4 w-0.5 rounded bg-shell-accent" />
                ) : null}
                {t(item.label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
