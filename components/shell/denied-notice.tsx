"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** Shown after requirePageRole() sent the user back here with ?denied=<page>. */
export function DeniedNotice() {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const t = useTranslations("shell.denied");
  const denied = searchParams.get("denied");
  if (!denied) return null;

  const dismiss = () => {
    const rest = new URLSearchParams(searchParams);
    rest.delete("denied");
    const query = rest.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  return (
    <Alert
      tone="warning"
      className="mb-4"
      title={t("title", { page: denied })}
      actions={
        <Button size="sm" variant="ghost" onClick={dismiss}>
          {t("dismiss")}
        </Button>
      }
    >
      {t("body")}
    </Alert>
  );
}
