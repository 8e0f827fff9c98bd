import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { DeniedNotice } from "@/components/shell/denied-notice";
import { SidebarNav } from "@/components/shell/sidebar-nav";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { RoleBadge } from "@/components/users/role-badge";
import { requireUser } from "@/lib/auth/page";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();

  return (
    <div className="flex min-h-screen">
      <div className="w-52 shrink-0 bg-zinc-900 print:hidden">
        <aside className="sticky top-0 flex h-screen flex-col px-3 py-4">
          <Link
            href="/"
            className="mb-6 flex items-center gap-2 px-2.5 text-base font-semibold tracking-tight text-white"
          >
            <span aria-hidden="true" className="text-emerald-400">
              ◆
            </span>
            Walden
          </Link>
          <SidebarNav />
          <p className="mt-auto px-2.5 text-[11px] leading-snug text-zinc-500">
            PostgreSQL backup, PITR &amp; replication
          </p>
        </aside>
      </div>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-10 flex print:hidden h-12 items-center justify-end gap-3 border-b border-zinc-200 bg-white/90 px-6 backdrop-blur">
          <span className="text-sm text-zinc-700" data-testid="current-user">
            {user.email}
          </span>
          <RoleBadge role={user.role} />
          <SignOutButton />
        </header>
        <main className="mx-auto w-full max-w-7xl flex-1 px-6 py-6">
          <Suspense fallback={null}>
            <DeniedNotice />
          </Suspense>
          {children}
        </main>
      </div>
    </div>
  );
}
