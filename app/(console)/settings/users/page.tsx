import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import { listUsers } from "@/lib/users/queries";
import { CreateUserForm } from "./_components/create-user-form";
import { UsersTable } from "./_components/users-table";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("settings.users"))("title") };
}

export default async function UsersPage() {
  const admin = await requirePageRole("admin", "settings/users");
  const users = await listUsers();
  const t = await getTranslations("settings");

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/settings" className="hover:underline">
            {t("title")}
          </Link>
        }
        title={t("users.title")}
        description={t("users.description")}
      />
      <div className="space-y-5">
        <Card aria-labelledby="users-title">
          <CardHeader
            id="users-title"
            title={t("users.title")}
            description={t("users.count", { count: users.length })}
          />
          <UsersTable users={users} currentUserId={admin.userId} />
        </Card>
        <Card aria-labelledby="create-user-title">
          <CardHeader
            id="create-user-title"
            title={t("users.createTitle")}
            description={t("users.createDescription")}
          />
          <CreateUserForm />
        </Card>
      </div>
    </>
  );
}
