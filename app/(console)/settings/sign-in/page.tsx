import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { oidcRedirectUri } from "@/lib/auth/oidc/http";
import { getOidcSettingsView } from "@/lib/auth/oidc/settings";
import { requirePageRole } from "@/lib/auth/page";
import { OidcSettingsForm } from "./_components/oidc-settings-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("settings.signIn"))("title") };
}

export default async function SignInSettingsPage() {
  await requirePageRole("admin", "settings/sign-in");
  const settings = await getOidcSettingsView(oidcRedirectUri(await headers()));
  const t = await getTranslations("settings");

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/settings" className="hover:underline">
            {t("title")}
          </Link>
        }
        title={t("signIn.title")}
        description={t("signIn.description")}
      />
      <Card aria-labelledby="oidc-title">
        <CardHeader
          id="oidc-title"
          title={t("signIn.oidcTitle")}
          description={t.rich("signIn.oidcDescription", {
            uri: settings.redirectUri,
            code: (chunks) => (
              <code className="rounded bg-zinc-100 px-1 font-mono text-zinc-800">{chunks}</code>
            ),
          })}
        />
        <OidcSettingsForm settings={settings} />
      </Card>
    </>
  );
}
