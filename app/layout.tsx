import type { Metadata, Viewport } from "next";
import { cookies } from "next/headers";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { Providers } from "@/app/providers";
import { parseTheme, themeCookieName } from "@/components/shell/theme";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("shell");
  return { title: { default: "Walden", template: "%s · Walden" }, description: t("metaDescription") };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered in the browser's chosen theme from the first byte (see components/shell/theme.ts).
  const theme = parseTheme((await cookies()).get(themeCookieName)?.value);
  // The language chosen for this request (lib/i18n/request.ts); client components get its messages.
  const locale = await getLocale();
  return (
    <html lang={locale} data-theme={theme}>
      <body className="min-h-screen">
        <NextIntlClientProvider>
          <Providers>{children}</Providers>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
