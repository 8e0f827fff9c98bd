"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Prints the page; the console's navigation and these buttons stay off the paper. */
export function PrintButton() {
  const t = useTranslations("backups.runbook");
  return (
    <Button variant="primary" onClick={() => window.print()} className="print:hidden">
      {t("print")}
    </Button>
  );
}

/** One command, exactly as it must be typed, with a button that copies it. */
export function CommandBlock({ command, label }: { command: string; label: string }) {
  const t = useTranslations("backups.runbook");
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied("yes");
    } catch {
      // Clipboard access needs a secure context (https or localhost); selecting is the fallback.
      setCopied("failed");
    }
  };

  return (
    <div className="group relative break-inside-avoid">
      <pre
        aria-label={label}
        tabIndex={0}
        className="overflow-x-auto rounded-md bg-zinc-950 py-2 pr-20 pl-3 font-mono text-xs leading-relaxed whitespace-pre-wrap text-zinc-100 [overflow-wrap:anywhere] focus-visible:outline-2 focus-visible:outline-emerald-600 print:border print:border-zinc-400 print:bg-transparent print:pr-3 print:text-black"
      >
        {command}
      </pre>
      <div className="absolute top-1.5 right-1.5 flex items-center gap-2 print:hidden">
        {copied === "failed" ? (
          <span role="status" className="text-[11px] text-zinc-300">
            {t("copyFailed")}
          </span>
        ) : null}
        <Button size="sm" variant="secondary" onClick={copy} aria-label={t("copyLabel", { label })}>
          {copied === "yes" ? t("copied") : t("copy")}
        </Button>
      </div>
    </div>
  );
}
