"use client";

import { useTranslations } from "next-intl";
import { ConfigCheckList } from "@/app/(console)/clusters/[clusterId]/_components/config-check-card";
import { useErrorMessage } from "@/components/forms/error-message";
import { ConnectionErrorView } from "@/components/clusters/connection-report-view";
import { Button, Spinner } from "@/components/ui/button";
import { ApiError } from "@/lib/client/fetcher";
import { useConfigCheckSettings } from "@/lib/client/use-config-check";
import type { ConfigCheckRequest } from "@/lib/schemas/config-check";

/**
 * "Check configuration" in the register form: the typed primary against the archive it will be
 * registered with. `request` validates the fields it needs and answers null when one is wrong.
 */
export function RegisterConfigCheck({ request }: { request: () => Promise<ConfigCheckRequest | null> }) {
  const t = useTranslations("clusters.configCheck");
  const errorMessage = useErrorMessage();
  const check = useConfigCheckSettings();
  const run = async () => {
    check.reset();
    const input = await request();
    if (input) check.mutate(input);
  };
  return (
    <div className="space-y-2 sm:col-span-6">
      <div className="flex flex-wrap items-center gap-2">
        <Button size="sm" onClick={() => void run()} disabled={check.isPending}>
          {check.isPending ? <Spinner /> : null}
          {t("button")}
        </Button>
        <span className="text-xs text-zinc-500">{t("hint")}</span>
      </div>
      {check.error ? (
        <ConnectionErrorView
          code={check.error instanceof ApiError ? check.error.code : undefined}
          message={errorMessage(check.error)}
        />
      ) : null}
      {check.data ? <ConfigCheckList checks={check.data.checks} label={t("label")} /> : null}
    </div>
  );
}
