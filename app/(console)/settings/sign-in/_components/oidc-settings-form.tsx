"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import type { z } from "zod";
import { FormCheckbox, FormField, errorOf } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { useIssueText } from "@/components/forms/zod-locale";
import { Alert } from "@/components/ui/alert";
import { Button, SubmitButton } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { errorMessage } from "@/lib/client/fetcher";
import { useSaveOidcSettings, useTestOidcDiscovery } from "@/lib/client/use-oidc";
import { oidcSettingsInputSchema, type OidcSettingsInput, type OidcSettingsView } from "@/lib/schemas/oidc";
import { roles } from "@/lib/schemas/roles";

type FormValues = z.input<typeof oidcSettingsInputSchema>;

/** An empty box means "keep the stored secret" (or none yet), not an empty secret. */
const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);
const emptyToNull = (value: unknown) => (value === "" || value === undefined ? null : value);

function defaultsFrom(settings: OidcSettingsView): FormValues {
  return {
    enabled: settings.enabled,
    providerName: settings.providerName,
    issuerUrl: settings.issuerUrl,
    clientId: settings.clientId,
    clientSecret: undefined,
    scopes: settings.scopes,
    roleClaim: settings.roleClaim,
    roleMappings: settings.roleMappings.length ? settings.roleMappings : [{ value: "", role: "viewer" }],
    localAccountsEnabled: settings.localAccountsEnabled,
    breakGlassEmail: settings.breakGlassEmail,
  };
}

export function OidcSettingsForm({ settings }: { settings: OidcSettingsView }) {
  const router = useRouter();
  const t = useTranslations("settings.signIn.form");
  const roleName = useTranslations("shell.roles");
  const save = useSaveOidcSettings();
  const test = useTestOidcDiscovery();
  const [saved, setSaved] = useState(false);
  const form = useForm<FormValues, unknown, OidcSettingsInput>({
    resolver: zodResolver(oidcSettingsInputSchema),
    defaultValues: defaultsFrom(settings),
  });
  const {
    control,
    handleSubmit,
    getValues,
    setError,
    formState: { errors },
  } = form;
  const mappings = useFieldArray({ control, name: "roleMappings" });
  const server = useServerErrors(save, setError, "path");
  const issueText = useIssueText();

  const onSubmit = handleSubmit((values) => {
    setSaved(false);
    save.mutate(values, {
      onSuccess: () => {
        setSaved(true);
        form.resetField("clientSecret");
        router.refresh();
      },
      onError: server.onError,
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label={t("label")} className="space-y-5 px-4 py-4">
      <FormCheckbox form={form} name="enabled" label={t("enabled")} hint={t("enabledHint")} />

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <FormField form={form} name="providerName" label={t("providerName")} hint={t("providerNameHint")}>
          {(field) => <Input autoComplete="off" placeholder="Okta" {...field} />}
        </FormField>
        <FormField form={form} name="issuerUrl" label={t("issuerUrl")} hint={t("issuerUrlHint")}>
          {(field) => (
            <Input autoComplete="off" placeholder="https://id.example.com/realms/acme" {...field} />
          )}
        </FormField>
        <FormField form={form} name="clientId" label={t("clientId")}>
          {(field) => <Input autoComplete="off" {...field} />}
        </FormField>
        <FormField
          form={form}
          name="clientSecret"
          options={{ setValueAs: emptyToUndefined }}
          label={t("clientSecret")}
          hint={settings.clientSecretSet ? t("secretStored") : t("secretNew")}
        >
          {(field) => <Input type="password" autoComplete="new-password" {...field} />}
        </FormField>
        <FormField form={form} name="scopes" label={t("scopes")} hint={t("scopesHint")}>
          {(field) => <Input autoComplete="off" {...field} />}
        </FormField>
        <FormField form={form} name="roleClaim" label={t("roleClaim")} hint={t("roleClaimHint")}>
          {(field) => <Input autoComplete="off" {...field} />}
        </FormField>
      </div>

      <fieldset className="space-y-2">
        <legend className="text-xs font-medium text-zinc-700">{t("mappings")}</legend>
        <p className="text-xs text-zinc-500">{t("mappingsHint")}</p>
        {mappings.fields.map((mapping, index) => (
          <div key={mapping.id} className="grid grid-cols-[1fr_10rem_auto] items-end gap-2">
            <FormField
              form={form}
              name={`roleMappings.${index}.value`}
              label={t("claimValue", { number: index + 1 })}
            >
              {(field) => <Input autoComplete="off" placeholder="dba-team" {...field} />}
            </FormField>
            <FormField
              form={form}
              name={`roleMappings.${index}.role`}
              label={t("mappingRole", { number: index + 1 })}
            >
              {(field) => (
                <Select choices={roles.map((role) => [role, roleName(role)] as const)} {...field} />
              )}
            </FormField>
            <Button
              variant="ghost"
              onClick={() => mappings.remove(index)}
              aria-label={t("removeMapping", { number: index + 1 })}
            >
              {t("remove")}
            </Button>
          </div>
        ))}
        {errorOf(form, "roleMappings") ? (
          <FieldError>{issueText(errorOf(form, "roleMappings"))}</FieldError>
        ) : null}
        <Button size="sm" onClick={() => mappings.append({ value: "", role: "viewer" })}>
          {t("addMapping")}
        </Button>
      </fieldset>

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <FormCheckbox
          form={form}
          name="localAccountsEnabled"
          label={t("localAccounts")}
          hint={t("localAccountsHint")}
        />
        <FormField
          form={form}
          name="breakGlassEmail"
          options={{ setValueAs: emptyToNull }}
          label={t("breakGlass")}
          hint={t("breakGlassHint")}
        >
          {(field) => <Input type="email" autoComplete="off" {...field} />}
        </FormField>
      </div>

      <FormErrors root={errors.root?.message} failure={server.failure} />
      {saved ? <Alert tone="success">{t("saved")}</Alert> : null}
      {test.isSuccess ? (
        <Alert tone="success" title={t("discoveryWorks")}>
          {t("discoveryDetail", { issuer: test.data.issuer, endpoint: test.data.authorizationEndpoint })}
        </Alert>
      ) : null}
      {test.isError ? (
        <Alert tone="error" title={t("discoveryFailed")}>
          {errorMessage(test.error)}
        </Alert>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button onClick={() => test.mutate(getValues("issuerUrl") || undefined)} disabled={test.isPending}>
          {t("test")}
        </Button>
        <SubmitButton busy={save.isPending}>{t("save")}</SubmitButton>
      </div>
    </form>
  );
}
