"use client";

import { useRouter } from "next/navigation";
import { useId } from "react";
import { useForm, useWatch } from "react-hook-form";
import { restoredName } from "@/components/restores/describe";
import { useRequestRestore, type RestoreView } from "@/lib/client/use-restores";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { describedBy, Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { ApiError, errorMessage, fieldIssues } from "@/lib/client/fetcher";
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
function proposedName(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const name = (error.details as { newName?: unknown } | null | undefined)?.newName;
  return typeof name === "string" ? name : null;
}

/**
 * "Copy a table into the live database": one table of a restored instance (or of a logically
 * restored database) copied under a new name next to the live one, never over it.
 */
export function TableCopyForm({ restore, liveDatabase }: { restore: RestoreView; liveDatabase: string }) {
  const router = useRouter();
  const requestRestore = useRequestRestore();
  const id = useId();
  const fid = (name: keyof FormValues) => `${id}-${name}`;
  const verification = isDatabaseVerification(restore.verification) ? restore.verification : null;
  const sourceDefault = restore.instance?.database ?? verification?.databases[0]?.name ?? "";
  const sourceDatabases =
    restore.kind === "pitr" && verification?.databases.length
      ? verification.databases.map((database) => database.name)
      : [sourceDefault];

  const { register, handleSubmit, setError, setValue, getFieldState, control, formState } =
    useForm<FormValues>({
      defaultValues: {
        table: "",
        sourceDatabase: sourceDefault,
        database: liveDatabase,
        newName: "",
        confirm: "",
      },
    });
  const { errors } = formState;
  const [sourceDatabase, newName] = useWatch({ control, name: ["sourceDatabase", "newName"] });
  const suggestions =
    verification?.databases
      .find((database) => database.name === sourceDatabase)
      ?.tables.map((table) => `${table.schema}.${table.name}`) ?? [];
  const busy = requestRestore.isPending;

  const setIssue = (path: string, message: string, type: "validate" | "server") => {
    const head = path.split(".")[0] as (typeof fields)[number];
    const field = fields.includes(head) ? head : "root";
    setError(field, { type, message: field === "root" && path ? `${path}: ${message}` : message });
  };

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
      for (const issue of parsed.error.issues) setIssue(issue.path.join("."), issue.message, "validate");
      return;
    }
    if (parsed.data.newName && parsed.data.confirm !== parsed.data.newName) {
      setIssue("confirm", `type ${parsed.data.newName} to confirm`, "validate");
      return;
    }
    requestRestore.mutate(parsed.data, {
      onSuccess: (queued) => router.push(`/restores/${queued.id}`),
      onError: (error) => {
        // Without a name the server answers with the one it would use: take it, and ask to confirm it.
        const proposed = proposedName(error);
        if (proposed && !values.newName.trim()) setValue("newName", proposed);
        for (const issue of fieldIssues(error)) setIssue(issue.path, issue.message, "server");
      },
    });
  });

  const text = (name: keyof FormValues, hint?: boolean) =>
    describedBy(fid(name), errors[name]?.message, hint);
  const table = register("table", {
    onChange: (event: { target: { value: string } }) => {
      // The server's default name, proposed while the person has not edited it; sent as newName, so
      // a minute passing before the click does not change it.
      if (getFieldState("newName", formState).isDirty) return;
      const part = tablePart(event.target.value);
      setValue("newName", part ? restoredName(part, new Date()) : "");
    },
  });
  const refused =
    requestRestore.isError && fieldIssues(requestRestore.error).length === 0 ? requestRestore.error : null;

  return (
    <Card aria-labelledby="table-copy-title">
      <CardHeader
        id="table-copy-title"
        title="Copy a table into the live database"
        description={
          restore.kind === "pitr"
            ? "Reads the table from this restored instance and creates it under a new name in the live database, with its rows. The live table is never touched."
            : "Reads the table from the restored database and creates it under a new name in the live database, with its rows. The live table is never touched."
        }
      />
      <CardBody>
        <form
          onSubmit={onSubmit}
          noValidate
          aria-label="Copy a table into the live database"
          className="space-y-4"
        >
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              id={fid("table")}
              label="Table"
              error={errors.table?.message}
              hint="schema.table, as in the restored copy, e.g. public.orders"
            >
              <Input
                id={fid("table")}
                autoComplete="off"
                spellCheck={false}
                placeholder="public.orders"
                list={suggestions.length ? `${id}-tables` : undefined}
                {...text("table", true)}
                {...table}
              />
              {suggestions.length ? (
                <datalist id={`${id}-tables`}>
                  {suggestions.map((name) => (
                    <option key={name} value={name} />
                  ))}
                </datalist>
              ) : null}
            </Field>
            <Field
              id={fid("sourceDatabase")}
              label="Source database"
              error={errors.sourceDatabase?.message}
              hint={restore.kind === "pitr" ? "In the restored instance." : "The restored database."}
            >
              <Select
                id={fid("sourceDatabase")}
                {...text("sourceDatabase", true)}
                {...register("sourceDatabase")}
              >
                {sourceDatabases.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </Select>
            </Field>
            <Field
              id={fid("database")}
              label="Destination database"
              error={errors.database?.message}
              hint={`In the live cluster's primary; empty: ${liveDatabase}.`}
            >
              <Input
                id={fid("database")}
                autoComplete="off"
                spellCheck={false}
                placeholder={liveDatabase}
                {...text("database", true)}
                {...register("database")}
              />
            </Field>
            <Field
              id={fid("newName")}
              label="New table name"
              error={errors.newName?.message}
              hint="Created in the same schema; it must not exist yet."
            >
              <Input
                id={fid("newName")}
                autoComplete="off"
                spellCheck={false}
                placeholder="orders_restored_20261126_1452"
                {...text("newName", true)}
                {...register("newName")}
              />
            </Field>
          </div>
          <Field
            id={fid("confirm")}
            label="Type the new table name to confirm"
            error={errors.confirm?.message}
            hint={
              newName.trim() ? (
                <>
                  Type <code className="rounded bg-zinc-100 px-1 font-semibold">{newName.trim()}</code>.
                </>
              ) : (
                "Choose a table first."
              )
            }
          >
            <Input
              id={fid("confirm")}
              autoComplete="off"
              spellCheck={false}
              className="sm:max-w-md"
              {...text("confirm", true)}
              {...register("confirm")}
            />
          </Field>
          {errors.root?.message ? <Alert tone="error">{errors.root.message}</Alert> : null}
          {refused ? <Alert tone="error">{errorMessage(refused)}</Alert> : null}
          <div className="flex justify-end">
            <Button type="submit" variant="primary" disabled={busy}>
              {busy ? <Spinner /> : null}
              Copy table
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
