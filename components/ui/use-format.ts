import { useLocale } from "next-intl";
import { formatFor, type Formatters } from "@/components/ui/format";

/**
 * The number, size and duration formatters (components/ui/format.ts) in the page's language:
 * `const { formatSeconds, formatAgo } = useFormat()`. Works in client components and in
 * non-async server components; an async server component uses `formatFor(await getLocale())`.
 */
export function useFormat(): Formatters {
  return formatFor(useLocale());
}
