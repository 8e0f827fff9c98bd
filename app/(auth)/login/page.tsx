import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LanguageSwitch } from "@/components/shell/language-switch";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { getSignInOptions } from "@/lib/auth/oidc/settings";
import { getCurrentActor } from "@/lib/auth/page";
import { safeNextPath } from "@/lib/auth/safe-next";
import { languageSwitchProps } from "@/lib/auth/locale-cookie";
import { localeCookieName } from "@/lib/i18n/locales";
import { isOidcErrorCode } from "@/lib/schemas/oidc";
import { LoginForm } from "./_components/login-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("metaTitle") };
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const query = await searchParams;
  const next = safeNextPath(query.next);
  if (await getCurrentActor()) redirect(next ?? "/");
  const options = await getSignInOptions();
  const t = await getTranslations("auth");
  const refusal = isOidcErrorCode(query.error) ? t(`oidcErrors.${query.error}`) : undefined;
  const chosenLocale = (await cookies()).get(localeCookieName)?.value;
  // A plain link, not a form post or a client-side navigation: the start route answers with a
  // redirect to the identity provider, which the page's form-action policy would block after a POST.
  const ssoHref = `/api/v1/auth/oidc/start${next ? `?next=${encodeURIComponent(next)}` : ""}`;

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <p className="text-lg font-semibold tracking-tight text-zinc-900">
            <span className="text-emerald-700">◆</span> Walden
          </p>
          <h1 className="mt-4 text-base font-medium text-zinc-700">{t("heading")}</h1>
        </div>
        <div className="space-y-4 rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
          {refusal ? (
            <Alert tone="error" title={t("ssoRefused")}>
              {refusal}
            </Alert>
          ) : null}
          {options.sso ? (
            <a href={ssoHref} className={cx(buttonClasses({ variant: "primary" }), "w-full")}>
              {t("ssoButton", { provider: options.sso.providerName })}
            </a>
          ) : null}
          {options.localAccounts ? (
            <>
              {options.sso ? <p className="text-center text-xs text-zinc-500">{t("orPassword")}</p> : null}
              <LoginForm next={next} />
            </>
          ) : (
            <details className="text-sm">
              <summary className="cursor-pointer text-xs text-zinc-500">{t("breakGlass")}</summary>
              <div className="mt-3">
                <LoginForm next={next} />
              </div>
            </details>
          )}
        </div>
        <p className="mt-4 text-center text-xs text-zinc-500">{t("tagline")}</p>
        <div className="mt-4 flex justify-center">
          <LanguageSwitch {...languageSwitchProps(chosenLocale)} persist={false} tone="page" />
        </div>
      </div>
    </main>
  );
}
