"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { restoredName } from "@/components/restores/describe";
import { useRequestRestore, type RestoreView } from "@/lib/client/use-restores";
import { FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { ConfirmNameField } from "@/components/restores/restore-fields";
import { FormActions } from "@/components/ui/form-actions";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import { ApiError } from "@/lib/client/fetcher";
import { tableRestoreRequestSchema } from "@/lib/schemas/restore";
import { isDatabaseVerification } from "./verification-view";

interface FormValues {
  table: string;
  sourceDatabase: string;
  database: string;
  newName: string;
  confirm: string;
}

const fields = ["table", "sourceDatabase", "database", "newName", "confirm"] as const;

function tablePart(qualified: string): string | null {
  const match = /^[A-Za-z_][A-Za-z0-9_$]*\.([A-Za-z_][A-Za-z0-9_$]*)$/.exec(qualified.trim());
  return match ? match[1]! : null;
}

/** The new name the server proposes in a 422 (details.newName), when it sent one. */
const proposalSchema = z.object({ newName: z.string() });

function proposedName(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const proposal = proposalSchema.safeParse(error.details);
  return proposal.success ? proposal.data.newName : null;
}

/**
 * "Copy a table into the live database": one table of a restored instance (or of a logically
 * restored database) copied under a new name next to the live one, never over it.
 */
export function TableCopyForm({ restore, liveDatabase }: { restore: RestoreView; liveDatabase: string }) {
  const t = useTranslations("restores.tableCopy");
  const router = useRouter();
  const requestRestore = useRequestRestore();
  const id = useId();
  const verification = isDatabaseVerification(restore.verification) ? restore.verification : null;
  const sourceDefault = restore.instance?.database ?? verification?.databases[0]?.name ?? "";
  const sourceDatabases =
    restore.kind === "pitr" && verification?.databases.length
      ? verification.databases.map((database) => database.name)
      : [sourceDefault];

  const form = useForm<FormValues>({
    defaultValues: {
      table: "",
      sourceDatabase: sourceDefault,
      database: liveDatabase,
      newName: "",
      confirm: "",
    },
  });
  const { handleSubmit, setError, setValue, getFieldState, control, formState } = form;
  const { errors } = formState;
  const server = useServerErrors(requestRestore, setError, fields);
  const [sourceDatabase, newName] = useWatch({ control, name: ["sourceDatabase", "newName"] });
  const suggestions =
    verification?.databases
      .find((database) => database.name === sourceDatabase)
      ?.tables.map((table) => `${table.schema}.${table.name}`) ?? [];
  const busy = requestRestore.isPending;

  const onSubmit = handleSubmit((values) => {
    const body = {
      clusterId: restore.clusterId,
      kind: "table" as const,
      sourceRestoreId: restore.id,
      table: values.table.trim(),
      sourceDatabase: values.sourceDatabase || undefined,
      database: values.database.trim() || undefined,
      newName: values.newName.trim() || undefined,
      confirm: values.confirm.trim(),
    };
    const parsed = tableRestoreRequestSchema.safeParse(body);
    if (!parsed.success) {
      server.show(parsed.error.issues);
      return;
    }
    if (parsed.data.newName && parsed.data.confirm !== parsed.data.newName) {
      setError("confirm", { type: "validate", message: t("typeToConfirm", { name: parsed.data.newName }) });
      return;
    }
    requestRestore.mutate(parsed.data, {
      onSuccess: (queued) => router.push(`/restores/${queued.id}`),
      onError: (error) => {
        // Without a name the server answers with the one it would use: take it, and ask to confirm it.
        const proposed = proposedName(error);
        if (proposed && !values.newName.trim()) setValue("newName", proposed);
        server.onError(error);
      },
    });
  });

  const proposeNewName = (event: { target: { value: string } }) => {
    // The server's default name, proposed while the person has not edited it; sent as newName, so
    // a minute passing before the click does not change it.
    if (getFieldState("newName", formState).isDirty) return;
    const part = tablePart(event.target.value);
    setValue("newName", part ? restoredName(part, new Date()) : "");
  };

  return (
    <Card aria-labelledby="table-copy-title">
      <CardHeader
        id="table-copy-title"
        title={t("title")}
        description={restore.kind === "pitr" ? t("descriptionPitr") : t("descriptionLogical")}
      />
      <CardBody>
        <form onSubmit={onSubmit} noValidate aria-label={t("title")} className="space-y-4">
          <div className="grid gap-3 sm:grid-cols-2">
            <FormField
              form={form}
              name="table"
              options={{ onChange: proposeNewName }}
              label={t("table")}
              hint={t("tableHint")}
            >
              {(control) => (
                <>
                  <Input
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="public.orders"
                    list={suggestions.length ? `${id}-tables` : undefined}
                    {...control}
                  />
                  {suggestions.length ? (
                    <datalist id={`${id}-tables`}>
                      {suggestions.map((name) => (
                        <option key={name} value={name} />
                      ))}
                    </datalist>
                  ) : null}
                </>
              )}
            </FormField>
            <FormField
              form={form}
              name="sourceDatabase"
              label={t("sourceDatabase")}
              hint={restore.kind === "pitr" ? t("sourceHintPitr") : t("sourceHintLogical")}
            >
              {(control) => <Select choices={sourceDatabases} {...control} />}
            </FormField>
            <FormField
              form={form}
              name="database"
              label={t("destination")}
              hint={t("destinationHint", { database: liveDatabase })}
            >
              {(control) => (
                <Input autoComplete="off" spellCheck={false} placeholder={liveDatabase} {...control} />
              )}
            </FormField>
            <FormField form={form} name="newName" label={t("newName")} hint={t("newNameHint")}>
              {(control) => (
                <Input
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="orders_restored_20261126_1452"
                  {...control}
                />
              )}
            </FormField>
          </div>
          <ConfirmNameField
            form={form}
            name="confirm"
            label={t("confirm")}
            expected={newName.trim()}
            consequence="."
            missing={t("confirmMissing")}
          />
          <FormErrors root={errors.root?.message} failure={server.failure} />
          <FormActions submitLabel={t("submit")} busy={busy} />
        </form>
      </CardBody>
    </Card>
  );
}
