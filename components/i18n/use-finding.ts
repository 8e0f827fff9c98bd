import { useLocale, useTranslations } from "next-intl";
import { useFormat } from "@/components/ui/use-format";
import { defaultLocale } from "@/lib/i18n/locales";
import {
  englishDurationSeconds,
  findingText,
  type CodedFinding,
  type FindingArea,
  type FindingTranslator,
} from "@/lib/i18n/findings";

/**
 * `say(english, coded?)`: a finding of `area` in the page's language (lib/i18n/findings.ts). An
 * English page shows the server's own words, byte for byte.
 */
export function useFinding(area: FindingArea): (english: string, coded?: CodedFinding | null) => string {
  const locale = useLocale();
  const t = useTranslations("findings") as unknown as FindingTranslator;
  const { formatSeconds } = useFormat();
  const localizeValue = (value: string) => {
    const seconds = englishDurationSeconds(value);
    return seconds === null ? value : formatSeconds(seconds);
  };
  return (english, coded) =>
    locale === defaultLocale ? english : findingText(t, area, english, coded, localizeValue);
}
