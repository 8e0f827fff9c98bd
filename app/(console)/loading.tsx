import { useTranslations } from "next-intl";

export default function Loading() {
  const t = useTranslations("shell");
  return (
    <div role="status" aria-label={t("loading")} className="animate-pulse space-y-4">
      <div className="h-6 w-48 rounded bg-zinc-200" />
      <div className="h-4 w-96 max-w-full rounded bg-zinc-200" />
      <div className="h-40 rounded-lg border border-zinc-200 bg-white" />
    </div>
  );
}
