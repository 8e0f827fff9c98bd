import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import { listUsers } from "@/lib/users/queries";
import { CreateUserForm } from "./_components/create-user-form";
import { UsersTable } from "./_components/users-table";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const admin = await requirePageRole("admin", "settings/users");
  const users = await listUsers();

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/settings" className="hover:underline">
            Settings
          </Link>
        }
        title="Users"
        description="Viewers read everything except secrets; operators also start backups, restores and drills; admins also manage clusters, users and tokens."
      />
      <div className="space-y-5">
        <Card aria-labelledby="users-title">
          <CardHeader id="users-title" title="Users" description={`${users.length} accounts`} />
          <UsersTable users={users} currentUserId={admin.userId} />
        </Card>
        <Card aria-labelledby="create-user-title">
          <CardHeader
            id="create-user-title"
            title="Create user"
            description="The new user signs in with this email and password."
          />
          <CreateUserForm />
        </Card>
      </div>
    </>
  );
}
