import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { RoleBadge } from "@/components/users/role-badge";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("settings"))("title") };
}

const sections = [
  { href: "/settings/users", key: "users" },
  { href: "/settings/tokens", key: "tokens" },
  { href: "/settings/audit", key: "audit" },
  { href: "/settings/sign-in", key: "signIn" },
] as const;

export default async function SettingsPage() {
  const user = await requireUser();
  const isAdmin = hasRole(user.role, "admin");
  const t = await getTranslations("settings");

  return (
    <>
      <PageHeader title={t("title")} />
      <div className="space-y-5">
        <Card aria-labelledby="account-title">
          <CardHeader
            id="account-title"
            title={t("account.title")}
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
            title={t("admin.title")}
            description={isAdmin ? undefined : t("admin.needsAdmin")}
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
                      {t(`sections.${section.key}.title`)}
                    </Link>
                  ) : (
                    <span className="text-sm font-medium text-zinc-500">
                      {t(`sections.${section.key}.title`)}
                    </span>
                  )}
                  <p className="text-xs text-zinc-500">{t(`sections.${section.key}.description`)}</p>
                </div>
                {isAdmin ? null : <span className="text-xs text-zinc-400">{t("admin.adminOnly")}</span>}
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
