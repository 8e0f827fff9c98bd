"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { Button, buttonClasses } from "@/components/ui/button";

// Server errors reach the browser without their message (by design); the digest matches the server log.
export function ErrorPanel({ error, retry }: { error: unknown; retry: () => void }) {
  const t = useTranslations("shell.error");
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;

  return (
    <div className="max-w-lg py-16">
      <p className="text-sm font-medium text-red-600">{t("eyebrow")}</p>
      <h1 className="mt-1 text-xl font-semibold text-zinc-900">{t("title")}</h1>
      <p className="mt-2 text-sm text-zinc-600">
        {t("body")}
        {digest ? (
          <>
            {" "}
            {t.rich("reference", {
              digest: () => <code className="rounded bg-zinc-100 px-1 text-xs">{digest}</code>,
            })}
          </>
        ) : null}
        .
      </p>
      <div className="mt-6 flex gap-2">
        <Button variant="primary" onClick={() => retry()}>
          {t("retry")}
        </Button>
        <Link href="/" className={buttonClasses({ variant: "secondary" })}>
          {t("home")}
        </Link>
      </div>
    </div>
  );
}
