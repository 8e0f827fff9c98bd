"use client";

import { useState } from "react";
import { ToggleGroup } from "@/components/ui/toggle-group";
import { themeCookieMaxAgeSeconds, themeCookieName, type Theme } from "@/components/shell/theme";

const options = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
] as const satisfies readonly { value: Theme; label: string }[];

/** System, light or dark, for this browser: applied at once and kept in a cookie the server reads. */
export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);
  const choose = (next: Theme) => {
    setTheme(next);
    document.documentElement.dataset.theme = next;
    document.cookie = `${themeCookieName}=${next}; path=/; max-age=${themeCookieMaxAgeSeconds}; samesite=lax`;
  };
  return <ToggleGroup label="Theme" options={options} value={theme} onChange={choose} />;
}
