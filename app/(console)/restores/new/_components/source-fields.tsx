"use client";

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
  {
    value: "",
    title: "Automatic",
    hint: "The local repository and archive when they are whole, else the offsite copy.",
  },
  { value: "local", title: "Local", hint: "The backup's folder and the WAL archive on the worker's disk." },
  {
    value: "offsite",
    title: "Offsite",
    hint: "Downloaded from the offsite repository: the backup, then only the WAL the plan needs.",
  },
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
  const repositories = useClusterRepositories(clusterId);
  const offsite = repositories.data?.offsite ?? null;
  if (!offsite) return null;
  const encrypted = offsite.encryption?.enabled ?? false;
  return (
    <div className="space-y-3">
      <fieldset className="space-y-1.5">
        <legend className="mb-1 text-sm font-medium text-zinc-900">Copy to restore from</legend>
        {SOURCES.map((option) => (
          <RadioCard
            key={option.value}
            value={option.value}
            title={option.title}
            hint={
              option.value === "offsite"
                ? `${option.hint} ${offsite.endpoint}, bucket ${offsite.bucket}${offsite.prefix ? `/${offsite.prefix}` : ""}.`
                : option.hint
            }
            {...form.register("source")}
          />
        ))}
      </fieldset>
      {encrypted && source !== "local" ? (
        <>
          <FormField
            form={form}
            name="identity"
            label="Age identity"
            hint="The secret key (AGE-SECRET-KEY-1…, or the key file's text) that opens the encrypted offsite copy. Used for this restore only: never stored, shown or logged."
          >
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
          <Alert tone="info" title="The offsite copies are encrypted">
            Walden holds only the public key ({offsite.encryption?.recipient ?? "no recipient"}). When the
            local copy is gone, the restore needs the secret key from escrow.
          </Alert>
        </>
      ) : null}
    </div>
  );
}
