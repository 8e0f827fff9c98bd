"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { ToggleGroup } from "@/components/ui/toggle-group";
import { themeCookieMaxAgeSeconds, themeCookieName, type Theme } from "@/components/shell/theme";

const themes = ["system", "light", "dark"] as const satisfies readonly Theme[];

/** System, light or dark, for this browser: applied at once and kept in a cookie the server reads. */
export function ThemeToggle({ initial }: { initial: Theme }) {
  const t = useTranslations("shell.theme");
  const [theme, setTheme] = useState<Theme>(initial);
  const choose = (next: Theme) => {
    setTheme(next);
    document.documentElement.dataset.theme = next;
    document.cookie = `${themeCookieName}=${next}; path=/; max-age=${themeCookieMaxAgeSeconds}; samesite=lax`;
  };
  const options = themes.map((value) => ({ value, label: t(value) }));
  return <ToggleGroup label={t("label")} options={options} value={theme} onChange={choose} />;
}
