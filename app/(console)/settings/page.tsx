import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { RoleBadge } from "@/components/users/role-badge";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Settings" };

const sections = [
  { href: "/settings/users", title: "Users", description: "Who can sign in, and with which role." },
  { href: "/settings/tokens", title: "API tokens", description: "Bearer tokens for scripts and Prometheus." },
  { href: "/settings/audit", title: "Audit log", description: "Every change and every denied attempt." },
  {
    href: "/settings/sign-in",
    title: "Sign-in",
    description: "Single sign-on with your identity provider (OpenID Connect), and password accounts.",
  },
] as const;

export default async function SettingsPage() {
  const user = await requireUser();
  const isAdmin = hasRole(user.role, "admin");

  return (
    <>
      <PageHeader title="Settings" />
      <div className="space-y-5">
        <Card aria-labelledby="account-title">
          <CardHeader
            id="account-title"
            title="Your account"
            description={
              <span className="flex items-center gap-2">
                {user.email} <RoleBadge role={user.role} />
              </span>
            }
          />
        </Card>

        <Card aria-labelledby="admin-title">
          <CardHeader
            id="admin-title"
            title="Administration"
            description={
              isAdmin ? undefined : "These need the admin role. Ask an admin if you need a change."
            }
          />
          <ul className="divide-y divide-zinc-100">
            {sections.map((section) => (
              <li key={section.href} className="flex items-baseline justify-between gap-4 px-4 py-3">
                <div>
                  {isAdmin ? (
                    <Link
                      href={section.href}
                      className="text-sm font-medium text-emerald-800 hover:underline"
                    >
                      {section.title}
                    </Link>
                  ) : (
                    <span className="text-sm font-medium text-zinc-500">{section.title}</span>
                  )}
                  <p className="text-xs text-zinc-500">{section.description}</p>
                </div>
                {isAdmin ? null : <span className="text-xs text-zinc-400">admin only</span>}
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
