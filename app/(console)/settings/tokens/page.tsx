import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import { listTokens } from "@/lib/users/tokens-queries";
import { listUsers } from "@/lib/users/queries";
import { CreateTokenForm } from "./_components/create-token-form";
import { TokensTable } from "./_components/tokens-table";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const admin = await requirePageRole("admin", "settings/tokens");
  const [tokens, users] = await Promise.all([listTokens(), listUsers()]);
  const owners = users
    .filter((user) => !user.disabled)
    .map((user) => ({ id: user.id, email: user.email, role: user.role }));

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/settings" className="hover:underline">
            Settings
          </Link>
        }
        title="API tokens"
        description={
          <>
            For scripts and Prometheus: send <code>Authorization: Bearer &lt;token&gt;</code>. A token never
            has more rights than its owner currently has.
          </>
        }
      />
      <div className="space-y-5">
        <Card aria-labelledby="create-token-title">
          <CardHeader
            id="create-token-title"
            title="Create token"
            description="The token is shown once, right after it is created."
          />
          <CreateTokenForm owners={owners} currentUserId={admin.userId} />
        </Card>
        <Card aria-labelledby="tokens-title">
          <CardHeader id="tokens-title" title="Tokens" description={`${tokens.length} issued`} />
          <TokensTable tokens={tokens} />
        </Card>
      </div>
    </>
  );
}
