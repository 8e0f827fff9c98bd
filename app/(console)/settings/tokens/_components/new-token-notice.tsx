"use client";

import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/field";
import type { CreatedToken } from "@/lib/client/use-tokens";

/** The secret exists in the browser only here, once: the server keeps a hash and cannot show it again. */
export function NewTokenNotice({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  const t = useTranslations("settings.tokens.notice");
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied("yes");
    } catch {
      // Clipboard access needs a secure context; select the text so Ctrl+C works instead.
      inputRef.current?.select();
      setCopied("failed");
    }
  };

  return (
    <section aria-labelledby="new-token-title" className="rounded-md border border-amber-300 bg-amber-50 p-4">
      <h3 id="new-token-title" className="text-sm font-semibold text-amber-900">
        {t("title", { name: token.name })}
      </h3>
      <p className="mt-0.5 text-sm text-amber-900">{t("body")}</p>
      <Label htmlFor="new-token" className="mt-3">
        {t("label")}
      </Label>
      <div className="mt-1 flex gap-2">
        <input
          ref={inputRef}
          id="new-token"
          readOnly
          value={token.token}
          onFocus={(event) => event.currentTarget.select()}
          className="h-8.5 w-full rounded-md border-0 bg-white px-2.5 font-mono text-sm text-zinc-900 ring-1 ring-amber-300 ring-inset"
        />
        <Button variant="primary" onClick={copy}>
          {copied === "yes" ? t("copied") : t("copy")}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          {t("done")}
        </Button>
      </div>
      {copied === "failed" ? (
        <p role="status" className="mt-1 text-xs text-amber-900">
          {t("blocked")}
        </p>
      ) : null}
    </section>
  );
}
