"use client";

import Link from "next/link";
import { useId, useState, type ReactNode } from "react";
import { useForm, useWatch, type UseFormRegisterReturn } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { describedBy, Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { errorMessage, fieldIssues } from "@/lib/client/fetcher";
import { useRequestBackup } from "@/lib/client/use-backups";
import { backupRequestSchema, type Compression } from "@/lib/schemas/backup";

export interface BackupClusterChoice {
  id: string;
  name: string;
  /** The database Walden connects to: what a logical backup dumps when none is named. */
  database: string;
}

interface FormValues {
  clusterId: string;
  kind: "physical" | "logical";
  label: string;
  physicalCompression: Compression;
  checkpoint: "fast" | "spread";
  database: string;
  format: "custom" | "directory";
  jobs: number;
  tables: string;
  excludeTables: string;
  schemas: string;
  excludeSchemas: string;
  content: "all" | "data" | "schema";
  noOwner: boolean;
  logicalCompression: "gzip" | "none";
}

const patternFields = ["tables", "excludeTables", "schemas", "excludeSchemas"] as const;
type PatternField = (typeof patternFields)[number];

function defaults(clusterId: string): FormValues {
  return {
    clusterId,
    kind: "physical",
    label: "",
    physicalCompression: "lz4",
    checkpoint: "fast",
    database: "",
    format: "custom",
    jobs: 1,
    tables: "",
    excludeTables: "",
    schemas: "",
    excludeSchemas: "",
    content: "all",
    noOwner: false,
    logicalCompression: "gzip",
  };
}

/** "sales.orders, public.*" → ["sales.orders", "public.*"]: commas or spaces separate patterns. */
function patterns(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** The request body for the chosen kind only (the schema is strict: no stray options of the other kind). */
function toRequest(values: FormValues): unknown {
  const label = values.label.trim() || undefined;
  if (values.kind === "physical") {
    return {
      clusterId: values.clusterId,
      kind: "physical",
      compression: values.physicalCompression,
      checkpoint: values.checkpoint,
      label,
    };
  }
  return {
    clusterId: values.clusterId,
    kind: "logical",
    database: values.database.trim() || undefined,
    format: values.format,
    jobs: values.format === "directory" ? values.jobs : 1,
    tables: patterns(values.tables),
    excludeTables: patterns(values.excludeTables),
    schemas: patterns(values.schemas),
    excludeSchemas: patterns(values.excludeSchemas),
    dataOnly: values.content === "data",
    schemaOnly: values.content === "schema",
    noOwner: values.noOwner,
    compression: values.logicalCompression,
    label,
  };
}

/** Which form control a request issue (client zod or the server's 422) belongs to. */
function fieldOf(
  values: FormValues,
  path: readonly PropertyKey[],
): { field: keyof FormValues | "root"; prefix: string } {
  const [head, index] = path;
  if (head === "compression")
    return { field: values.kind === "physical" ? "physicalCompression" : "logicalCompression", prefix: "" };
  if (head === "dataOnly" || head === "schemaOnly") return { field: "content", prefix: "" };
  if (patternFields.includes(head as PatternField)) {
    const item = typeof index === "number" ? patterns(values[head as PatternField])[index] : undefined;
    return { field: head as PatternField, prefix: item ? `"${item}": ` : "" };
  }
  if (typeof head === "string" && head in values) return { field: head as keyof FormValues, prefix: "" };
  return { field: "root", prefix: "" };
}

function Hint({ children }: { children: ReactNode }) {
  return <span className="text-zinc-500">{children}</span>;
}

function KindOption({
  value,
  title,
  hint,
  registration,
}: {
  value: FormValues["kind"];
  title: string;
  hint: string;
  registration: UseFormRegisterReturn<"kind">;
}) {
  const hintId = useId();
  // The whole box is the click target; the name is the title alone, the hint its description.
  return (
    <label className="flex cursor-pointer items-start gap-2 rounded-md px-2 py-1.5 ring-1 ring-zinc-200 ring-inset has-checked:bg-emerald-50 has-checked:ring-emerald-300">
      <input
        type="radio"
        value={value}
        aria-label={title}
        aria-describedby={hintId}
        className="mt-0.5 accent-emerald-700"
        {...registration}
      />
      <span className="text-sm">
        <span className="font-medium text-zinc-900">{title}</span>
        <span id={hintId} className="block text-xs text-zinc-600">
          {hint}
        </span>
      </span>
    </label>
  );
}

function BackupForm({
  clusters,
  clusterId,
  onCancel,
  onQueued,
}: {
  clusters: BackupClusterChoice[];
  clusterId: string;
  onCancel: () => void;
  onQueued: (id: string) => void;
}) {
  const requestBackup = useRequestBackup();
  const {
    register,
    handleSubmit,
    setError,
    control,
    formState: { errors },
  } = useForm<FormValues>({ defaultValues: defaults(clusterId) });
  const id = useId();
  const fid = (name: string) => `${id}-${name}`;
  const [kind, format, chosenCluster] = useWatch({ control, name: ["kind", "format", "clusterId"] });
  const defaultDatabase = clusters.find((cluster) => cluster.id === chosenCluster)?.database ?? "postgres";
  const busy = requestBackup.isPending;

  const onSubmit = handleSubmit((values) => {
    const parsed = backupRequestSchema.safeParse(toRequest(values));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const { field, prefix } = fieldOf(values, issue.path);
        setError(field, { type: "validate", message: prefix + issue.message });
      }
      return;
    }
    requestBackup.mutate(parsed.data, {
      onSuccess: (queued) => onQueued(queued.id),
      onError: (error) => {
        for (const issue of fieldIssues(error)) {
          const { field, prefix } = fieldOf(
            values,
            issue.path.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
          );
          setError(field, { type: "server", message: prefix + issue.message });
        }
      },
    });
  });

  const text = (name: keyof FormValues, hint?: boolean) =>
    describedBy(fid(name), errors[name]?.message, hint);

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Back up now" className="space-y-4">
      <Field id={fid("clusterId")} label="Cluster" error={errors.clusterId?.message}>
        <Select id={fid("clusterId")} {...text("clusterId")} {...register("clusterId")}>
          {clusters.map((cluster) => (
            <option key={cluster.id} value={cluster.id}>
              {cluster.name}
            </option>
          ))}
        </Select>
      </Field>

      <fieldset className="space-y-1.5">
        <legend className="mb-1 text-xs font-medium text-zinc-700">Kind</legend>
        <KindOption
          value="physical"
          title="Physical (pg_basebackup)"
          hint="The whole cluster, byte for byte; with the archived WAL it restores to any point in time."
          registration={register("kind")}
        />
        <KindOption
          value="logical"
          title="Logical (pg_dump)"
          hint="One database as SQL objects; restores tables selectively or into another major version."
          registration={register("kind")}
        />
      </fieldset>

      {kind === "physical" ? (
        <div className="grid grid-cols-2 gap-3">
          <Field
            id={fid("physicalCompression")}
            label="Compression"
            error={errors.physicalCompression?.message}
            hint={<Hint>lz4 is fast; zstd is smaller for more CPU; gzip is slowest.</Hint>}
          >
            <Select
              id={fid("physicalCompression")}
              {...text("physicalCompression", true)}
              {...register("physicalCompression")}
            >
              <option value="lz4">lz4</option>
              <option value="zstd">zstd</option>
              <option value="gzip">gzip</option>
              <option value="none">none</option>
            </Select>
          </Field>
          <Field
            id={fid("checkpoint")}
            label="Checkpoint"
            error={errors.checkpoint?.message}
            hint={<Hint>fast checkpoint starts at once; spread is gentler on a busy server.</Hint>}
          >
            <Select id={fid("checkpoint")} {...text("checkpoint", true)} {...register("checkpoint")}>
              <option value="fast">fast</option>
              <option value="spread">spread</option>
            </Select>
          </Field>
        </div>
      ) : (
        <div className="space-y-3">
          <div className="grid grid-cols-2 gap-3">
            <Field
              id={fid("database")}
              label="Database"
              error={errors.database?.message}
              hint={<Hint>Empty: {defaultDatabase}, the database Walden connects to.</Hint>}
            >
              <Input
                id={fid("database")}
                autoComplete="off"
                spellCheck={false}
                placeholder={defaultDatabase}
                {...text("database", true)}
                {...register("database")}
              />
            </Field>
            <Field
              id={fid("format")}
              label="Format"
              error={errors.format?.message}
              hint={<Hint>custom: one file; directory: a file per table, dumps in parallel.</Hint>}
            >
              <Select id={fid("format")} {...text("format", true)} {...register("format")}>
                <option value="custom">custom</option>
                <option value="directory">directory</option>
              </Select>
            </Field>
            {format === "directory" ? (
              <Field
                id={fid("jobs")}
                label="Parallel jobs"
                error={errors.jobs?.message}
                hint={<Hint>1–16; each job is one more connection to the server.</Hint>}
              >
                <Input
                  id={fid("jobs")}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={16}
                  {...text("jobs", true)}
                  {...register("jobs", { valueAsNumber: true })}
                />
              </Field>
            ) : null}
            <Field
              id={fid("logicalCompression")}
              label="Compression"
              error={errors.logicalCompression?.message}
              hint={<Hint>lz4 and zstd need pg_dump 16 or newer; the worker&apos;s is older.</Hint>}
            >
              <Select
                id={fid("logicalCompression")}
                {...text("logicalCompression", true)}
                {...register("logicalCompression")}
              >
                <option value="gzip">gzip</option>
                <option value="none">none</option>
              </Select>
            </Field>
            <Field
              id={fid("content")}
              label="Content"
              error={errors.content?.message}
              hint={<Hint>Schema only is quick: definitions, no rows.</Hint>}
            >
              <Select id={fid("content")} {...text("content", true)} {...register("content")}>
                <option value="all">schema and data</option>
                <option value="data">data only</option>
                <option value="schema">schema only</option>
              </Select>
            </Field>
          </div>
          <details className="rounded-md ring-1 ring-zinc-200 ring-inset">
            <summary className="cursor-pointer px-2.5 py-1.5 text-xs font-medium text-zinc-700">
              Tables and schemas
            </summary>
            <div className="grid grid-cols-2 gap-3 px-2.5 pt-1 pb-2.5">
              {(
                [
                  ["tables", "Only tables"],
                  ["excludeTables", "Skip tables"],
                  ["schemas", "Only schemas"],
                  ["excludeSchemas", "Skip schemas"],
                ] as const
              ).map(([name, label]) => (
                <Field key={name} id={fid(name)} label={label} error={errors[name]?.message}>
                  <Input
                    id={fid(name)}
                    autoComplete="off"
                    spellCheck={false}
                    placeholder={name.endsWith("ables") ? "sales.orders, public.*" : "sales, audit_*"}
                    {...text(name)}
                    {...register(name)}
                  />
                </Field>
              ))}
              <p className="col-span-2 text-xs text-zinc-500">
                Separate patterns with commas; <code>*</code> is a wildcard. Empty: everything.
              </p>
            </div>
          </details>
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" className="mt-0.5 accent-emerald-700" {...register("noOwner")} />
            <span>
              No owners
              <span className="block text-xs text-zinc-500">
                Leave out ALTER … OWNER, so the dump restores under any role.
              </span>
            </span>
          </label>
        </div>
      )}

      <Field
        id={fid("label")}
        label="Label"
        error={errors.label?.message}
        hint={<Hint>Optional; shown in the catalog, e.g. before-upgrade.</Hint>}
      >
        <Input
          id={fid("label")}
          autoComplete="off"
          maxLength={100}
          {...text("label", true)}
          {...register("label")}
        />
      </Field>

      {errors.root?.message ? <Alert tone="error">{errors.root.message}</Alert> : null}
      {requestBackup.isError && fieldIssues(requestBackup.error).length === 0 ? (
        <Alert tone="error">{errorMessage(requestBackup.error)}</Alert>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? <Spinner /> : null}
          Start backup
        </Button>
      </div>
    </form>
  );
}

/**
 * "Back up now" and its dialog (operators and admins; the page leaves it out for viewers).
 * The backup is queued; the catalog's polling shows it appear and its progress move.
 */
export function BackupNowButton({
  clusters,
  defaultClusterId,
}: {
  clusters: BackupClusterChoice[];
  defaultClusterId?: string;
}) {
  const [open, setOpen] = useState(false);
  const [queuedId, setQueuedId] = useState<string | null>(null);
  const first = defaultClusterId ?? clusters[0]?.id;

  return (
    <>
      {queuedId ? (
        <p role="status" className="text-xs text-zinc-600">
          Backup queued ·{" "}
          <Link href={`/backups/${queuedId}`} className="font-medium text-emerald-800 hover:underline">
            open it
          </Link>
        </p>
      ) : null}
      <Button
        variant="primary"
        size="sm"
        onClick={() => setOpen(true)}
        disabled={!first}
        title={first ? undefined : "Register a cluster first"}
      >
        Back up now
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Back up now"
        description="The worker takes the backup from the cluster's primary; the catalog shows its progress."
      >
        {first ? (
          <BackupForm
            clusters={clusters}
            clusterId={first}
            onCancel={() => setOpen(false)}
            onQueued={(id) => {
              setQueuedId(id);
              setOpen(false);
            }}
          />
        ) : null}
      </Dialog>
    </>
  );
}
