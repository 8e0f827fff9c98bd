import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { oidcRedirectUri } from "@/lib/auth/oidc/http";
import { getOidcSettingsView } from "@/lib/auth/oidc/settings";
import { requirePageRole } from "@/lib/auth/page";
import { OidcSettingsForm } from "./_components/oidc-settings-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign-in" };

export default async function SignInSettingsPage() {
  await requirePageRole("admin", "settings/sign-in");
  const settings = await getOidcSettingsView(oidcRedirectUri(await headers()));

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/settings" className="hover:underline">
            Settings
          </Link>
        }
        title="Sign-in"
        description="Single sign-on with your company's OpenID Connect provider, and whether passwords still work."
      />
      <Card aria-labelledby="oidc-title">
        <CardHeader
          id="oidc-title"
          title="Single sign-on (OpenID Connect)"
          description={
            <>
              Register Walden at your provider as a confidential web client with the redirect URI{" "}
              <code className="rounded bg-zinc-100 px-1 font-mono text-zinc-800">{settings.redirectUri}</code>
              , then enter what it gives you here.
            </>
          }
        />
        <OidcSettingsForm settings={settings} />
      </Card>
    </>
  );
}
