import { cookies } from "next/headers";
import { getTranslations } from "next-intl/server";
import { Suspense, type ReactNode } from "react";
import { Brand } from "@/components/shell/brand";
import { ConsoleFrame } from "@/components/shell/console-frame";
import { DeniedNotice } from "@/components/shell/denied-notice";
import { LanguageSwitch } from "@/components/shell/language-switch";
import { SidebarNav } from "@/components/shell/sidebar-nav";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { parseTheme, themeCookieName } from "@/components/shell/theme";
import { ThemeToggle } from "@/components/shell/theme-toggle";
import { RoleBadge } from "@/components/users/role-badge";
import { requireUser } from "@/lib/auth/page";
import { languageSwitchProps } from "@/lib/auth/locale-cookie";
import { localeCookieName } from "@/lib/i18n/locales";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const jar = await cookies();
  const theme = parseTheme(jar.get(themeCookieName)?.value);
  const chosenLocale = jar.get(localeCookieName)?.value;
  const t = await getTranslations("shell");

  return (
    <ConsoleFrame
      brand={<Brand />}
      sidebar={
        <>
          <div className="mb-6">
            <Brand onShell />
          </div>
          <SidebarNav />
          <div className="mt-auto space-y-3 px-2.5 pt-6">
            <ThemeToggle initial={theme} />
            <LanguageSwitch {...languageSwitchProps(chosenLocale)} persist />
            <p className="text-[11px] leading-snug text-shell-faint">{t("tagline")}</p>
          </div>
        </>
      }
      headerEnd={
        <>
          <span className="hidden min-w-0 truncate text-sm text-zinc-700 sm:block" data-testid="current-user">
            {user.email}
          </span>
          <RoleBadge role={user.role} />
          <SignOutButton />
        </>
      }
    >
      <Suspense fallback={null}>
        <DeniedNotice />
      </Suspense>
      {children}
    </ConsoleFrame>
  );
}
