"use client";

import { useTranslations } from "next-intl";
import { FormField } from "@/components/forms/form-field";
import { Alert } from "@/components/ui/alert";
import { RadioCard } from "@/components/ui/choice";
import { Input } from "@/components/ui/input";
import { useClusterRepositories } from "@/lib/client/use-offsite";
import type { PitrForm } from "./target-fields";

// Which copy the restore reads (issue 14): shown when the cluster has an offsite repository.
// Automatic is local when the backup's folder and the archive are on disk, else offsite; the
// plan preview names the copy it chose. An encrypted offsite copy needs the age identity that
// opens it, for this restore only: it is sent with the request, never stored or shown again.

const SOURCES = [
  { value: "", key: "automatic" },
  { value: "local", key: "local" },
  { value: "offsite", key: "offsite" },
] as const;

export function SourceFields({
  form,
  clusterId,
  source,
}: {
  form: PitrForm;
  clusterId: string;
  source: "" | "local" | "offsite";
}) {
  const t = useTranslations("restores.pitr.source");
  const repositories = useClusterRepositories(clusterId);
  const offsite = repositories.data?.offsite ?? null;
  if (!offsite) return null;
  const encrypted = offsite.encryption?.enabled ?? false;
  return (
    <div className="space-y-3">
      <fieldset className="space-y-1.5">
        <legend className="mb-1 text-sm font-medium text-zinc-900">{t("legend")}</legend>
        {SOURCES.map((option) => (
          <RadioCard
            key={option.value}
            value={option.value}
            title={t(`${option.key}.title`)}
            hint={
              option.value === "offsite"
                ? `${t("offsite.hint")} ${t("offsite.where", {
                    endpoint: offsite.endpoint,
                    bucket: `${offsite.bucket}${offsite.prefix ? `/${offsite.prefix}` : ""}`,
                  })}`
                : t(`${option.key}.hint`)
            }
            {...form.register("source")}
          />
        ))}
      </fieldset>
      {encrypted && source !== "local" ? (
        <>
          <FormField form={form} name="identity" label={t("identity")} hint={t("identityHint")}>
            {(control) => (
              <Input
                type="password"
                autoComplete="off"
                spellCheck={false}
                placeholder="AGE-SECRET-KEY-1…"
                {...control}
              />
            )}
          </FormField>
          <Alert tone="info" title={t("encryptedTitle")}>
            {t("encrypted", { recipient: offsite.encryption?.recipient ?? t("noRecipient") })}
          </Alert>
        </>
      ) : null}
    </div>
  );
}
