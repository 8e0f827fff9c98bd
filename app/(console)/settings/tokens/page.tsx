import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import { listTokens } from "@/lib/users/tokens-queries";
import { listUsers } from "@/lib/users/queries";
import { CreateTokenForm } from "./_components/create-token-form";
import { TokensTable } from "./_components/tokens-table";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("settings.tokens"))("title") };
}

export default async function TokensPage() {
  const admin = await requirePageRole("admin", "settings/tokens");
  const [tokens, users] = await Promise.all([listTokens(), listUsers()]);
  const t = await getTranslations("settings");
  const owners = users
    .filter((user) => !user.disabled)
    .map((user) => ({ id: user.id, email: user.email, role: user.role }));

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/settings" className="hover:underline">
            {t("title")}
          </Link>
        }
        title={t("tokens.title")}
        description={t.rich("tokens.description", {
          header: "Authorization: Bearer <token>",
          code: (chunks) => <code>{chunks}</code>,
        })}
      />
      <div className="space-y-5">
        <Card aria-labelledby="create-token-title">
          <CardHeader
            id="create-token-title"
            title={t("tokens.createTitle")}
            description={t("tokens.createDescription")}
          />
          <CreateTokenForm owners={owners} currentUserId={admin.userId} />
        </Card>
        <Card aria-labelledby="tokens-title">
          <CardHeader
            id="tokens-title"
            title={t("tokens.listTitle")}
            description={t("tokens.count", { count: tokens.length })}
          />
          <TokensTable tokens={tokens} />
        </Card>
      </div>
    </>
  );
}
