"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormCheckbox, FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { errorMessage } from "@/lib/client/fetcher";
import { useSaveLocalEncryption } from "@/lib/client/use-local-encryption";
import { useClusterRepositories } from "@/lib/client/use-offsite";
import {
  localEncryptionSchema,
  type ClusterRepositoriesWithEncryption,
  type LocalEncryptionInput,
  type LocalEncryptionView,
} from "@/lib/schemas/local-encryption";

// The local repository's encryption at rest (issue 14): backups are age-encrypted to a recipient
// as they are written; the secret key may be held by Walden (sealed in the catalog) so that
// verification, drills and restores can decrypt, or kept only in escrow.

interface FormValues {
  encryption: { enabled: boolean; recipient: string; identity: string };
}

function inputOf(values: FormValues): LocalEncryptionInput {
  const recipient = values.encryption.recipient.trim();
  const identity = values.encryption.identity.trim();
  return {
    encryption: {
      enabled: values.encryption.enabled,
      ...(recipient ? { recipient } : {}),
      ...(identity ? { identity } : {}),
    },
  };
}

function EncryptionForm({
  clusterId,
  current,
  onDone,
}: {
  clusterId: string;
  current: LocalEncryptionView | undefined;
  onDone: () => void;
}) {
  const t = useTranslations("repositories.local");
  const save = useSaveLocalEncryption(clusterId);
  const form = useForm<FormValues>({
    defaultValues: {
      encryption: { enabled: current?.enabled ?? true, recipient: current?.recipient ?? "", identity: "" },
    },
  });
  const server = useServerErrors(save, form.setError, "path");
  const onSubmit = form.handleSubmit((values) => {
    const parsed = localEncryptionSchema.safeParse(inputOf(values));
    if (!parsed.success) {
      server.show(parsed.error.issues);
      return;
    }
    save.mutate(parsed.data, { onSuccess: onDone, onError: server.onError });
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={t("formLabel")}
      className="space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset"
    >
      <FormCheckbox form={form} name="encryption.enabled" label={t("enable")} hint={t("enableHint")} />
      <FormField form={form} name="encryption.recipient" label={t("recipient")} hint={t("recipientHint")}>
        {(control) => <Input autoComplete="off" placeholder="age1…" {...control} />}
      </FormField>
      <FormField form={form} name="encryption.identity" label={t("identity")} hint={t("identityHint")}>
        {(control) => (
          <Input type="password" autoComplete="new-password" placeholder="AGE-SECRET-KEY-1…" {...control} />
        )}
      </FormField>
      <Alert tone="warning">{t("warning")}</Alert>
      <FormErrors root={form.formState.errors.root?.message} failure={server.failure} />
      <FormActions submitLabel={t("save")} busy={save.isPending} onCancel={onDone} size="sm" />
    </form>
  );
}

function EncryptionSettings({ encryption }: { encryption: LocalEncryptionView }) {
  const t = useTranslations("repositories.local");
  if (!encryption.enabled || !encryption.recipient) {
    return <p className="text-sm text-zinc-500">{t("off")}</p>;
  }
  return (
    <DescriptionList termWidth="9rem">
      <Description term={t("recipient")}>
        <code className="break-all">{encryption.recipient}</code>
      </Description>
      <Description term={t("fingerprint")}>
        <code data-testid="local-key-fingerprint">{encryption.fingerprint}</code>
        <span className="ml-2 text-zinc-500">{t("fingerprintHint")}</span>
      </Description>
      <Description term={t("wal")}>
        <span data-testid="local-wal-sealed">{t("walSealed")}</span>
      </Description>
      <Description term={t("key")}>
        {encryption.keyHeldByWalden ? (
          <Badge tone="info">{t("keyHeld")}</Badge>
        ) : (
          <span className="text-zinc-600">{t("keyNotHeld")}</span>
        )}
      </Description>
    </DescriptionList>
  );
}

export function LocalEncryptionCard({ clusterId, canEdit }: { clusterId: string; canEdit: boolean }) {
  const t = useTranslations("repositories.local");
  const repositories = useClusterRepositories(clusterId);
  const [editing, setEditing] = useState(false);
  const data = repositories.data as ClusterRepositoriesWithEncryption | undefined;
  const encryption = data?.local.encryption;

  return (
    <Card role="region" aria-label={t("title")}>
      <CardHeader
        title={t("title")}
        description={t("description")}
        actions={
          canEdit && data && !editing ? (
            <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
              {encryption?.enabled ? t("edit") : t("setUp")}
            </Button>
          ) : null
        }
      />
      <CardBody className="space-y-4">
        {repositories.isError ? (
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(repositories.error)}
          </Alert>
        ) : !data ? (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner /> {t("loading")}
          </p>
        ) : encryption ? (
          <>
            <EncryptionSettings encryption={encryption} />
            {encryption.enabled ? <Alert tone="warning">{t("warning")}</Alert> : null}
          </>
        ) : null}
        {editing && data ? (
          <EncryptionForm clusterId={clusterId} current={encryption} onDone={() => setEditing(false)} />
        ) : null}
      </CardBody>
    </Card>
  );
}
