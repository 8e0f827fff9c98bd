"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useId, useState, useTransition } from "react";
import { cx } from "@/components/ui/cx";
import { apiFetch, errorMessage } from "@/lib/client/fetcher";

/**
 * The console's language: English, 한국어, or the browser's own (no choice kept). Signed in
 * (`persist`), the choice is saved for the user (PATCH /api/v1/me, which also sets the
 * walden_locale cookie) and follows them to their next sign-in; on the login page it only sets
 * the cookie. The server then renders the page again in the new language (router.refresh(): the
 * root layout hands client components the new messages) without a full reload, and fetched data
 * is asked for again, since an API answer may carry words in the old language.
 */
export function LanguageSwitch({
  chosen,
  options,
  cookie,
  persist,
  tone = "shell",
}: {
  /** The cookie's value when it names a language, else null (the browser's language decides). */
  chosen: string | null;
  /** The languages, each by its own name; from languageSwitchProps() (lib/auth/locale-cookie.ts). */
  options: readonly { value: string; label: string }[];
  cookie: { name: string; maxAgeSeconds: number };
  persist: boolean;
  tone?: "shell" | "page";
}) {
  const t = useTranslations("shell.language");
  const locale = useLocale();
  const id = useId();
  const [value, setValue] = useState<string>(chosen ?? "");
  const [busy, setBusy] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<string | null>(null);

  const choose = async (next: string) => {
    const picked = options.some((option) => option.value === next) ? next : null;
    setValue(next);
    setFailure(null);
    if (persist) {
      setBusy(true);
      try {
        await apiFetch("/api/v1/me", { method: "PATCH", body: { locale: picked } });
      } catch (error) {
        setBusy(false);
        setValue(chosen ?? "");
        setFailure(errorMessage(error));
        return;
      }
    } else {
      document.cookie = picked
        ? `${cookie.name}=${picked}; path=/; max-age=${cookie.maxAgeSeconds}; samesite=lax`
        : `${cookie.name}=; path=/; max-age=0; samesite=lax`;
    }
    setBusy(false);
    startRefresh(() => {
      router.refresh();
      void queryClient.invalidateQueries();
    });
  };

  return (
    <div className="flex flex-col gap-1">
      <span className="flex items-center gap-2">
        <label
          htmlFor={id}
          className={cx("text-xs font-medium", tone === "shell" ? "text-shell-muted" : "text-zinc-600")}
        >
          {t("label")}
        </label>
        <select
          id={id}
          value={value}
          disabled={busy || refreshing}
          lang={locale}
          onChange={(event) => void choose(event.target.value)}
          className={cx(
            "h-7 min-w-0 rounded-md px-1.5 text-xs font-medium focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-emerald-700 disabled:opacity-60",
            "bg-white text-zinc-800 ring-1 ring-zinc-300 ring-inset",
          )}
        >
          <option value="">{t("browser")}</option>
          {options.map((option) => (
            <option key={option.value} value={option.value} lang={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </span>
      {failure ? (
        <span role="alert" className="text-xs text-red-600">
          {t("failed", { message: failure })}
        </span>
      ) : null}
    </div>
  );
}
