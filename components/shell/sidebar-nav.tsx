"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "@/components/ui/cx";

const items = [
  { href: "/", label: "Overview" },
  { href: "/clusters", label: "Clusters" },
  { href: "/backups", label: "Backups" },
  { href: "/restores", label: "Restores" },
  { href: "/alerts", label: "Alerts" },
  { href: "/reports", label: "Reports" },
  { href: "/settings", label: "Settings" },
] as const;

function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(href + "/");
}

export function SidebarNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
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
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
