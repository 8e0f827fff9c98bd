"use client";

import { useForm, type FieldPath } from "react-hook-form";
import { FormField, type FormBinding } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { useSaveRetention, type RetentionPolicy } from "@/lib/client/use-retention";
import { retentionPolicySchema } from "@/lib/schemas/retention";

/** What the form edits: the policy without the "defaults" flag. */
type PolicyValues = Omit<RetentionPolicy, "isDefault">;

interface PolicyField {
  name: FieldPath<PolicyValues>;
  label: string;
  hint: string;
  min: number;
  max: number;
}

const windowFields: PolicyField[] = [
  {
    name: "recoveryWindowDays",
    label: "Recovery window (days)",
    hint: "Keep what a restore to any point in these days needs; 0: no window.",
    min: 0,
    max: 3650,
  },
  {
    name: "minRedundancy",
    label: "Minimum physical backups",
    hint: "Always keep at least this many, however old.",
    min: 1,
    max: 1000,
  },
  {
    name: "logicalKeep",
    label: "Logical backups kept",
    hint: "The newest ones; 0 expires every unpinned logical backup.",
    min: 0,
    max: 10000,
  },
];

const tier = (name: PolicyField["name"], label: string, periods: string): PolicyField => ({
  name,
  label,
  hint: `The newest backup of each of the last N ${periods} that have one; 0: off.`,
  min: 0,
  max: 1000,
});

/** Grandfather-father-son: kept beside the window, whichever keeps more. */
export const tierFields: PolicyField[] = [
  tier("keepDaily", "Daily", "days"),
  tier("keepWeekly", "Weekly", "ISO weeks"),
  tier("keepMonthly", "Monthly", "months"),
  tier("keepYearly", "Yearly", "years"),
];

/** The same tiers in the offsite repository (its days and minimum are set with the repository). */
export const offsiteTierFields: PolicyField[] = tierFields.map((field) => ({
  ...field,
  name: `offsiteTiers.${field.name}` as FieldPath<PolicyValues>,
  hint: field.hint.replace("backup", "offsite copy"),
}));

const allFields = [...windowFields, ...tierFields, ...offsiteTierFields];

/** What the form starts from: the policy's numbers (react-hook-form fills the inputs once mounted). */
export function policyFormValues(policy: RetentionPolicy): PolicyValues {
  return {
    recoveryWindowDays: policy.recoveryWindowDays,
    minRedundancy: policy.minRedundancy,
    logicalKeep: policy.logicalKeep,
    keepDaily: policy.keepDaily,
    keepWeekly: policy.keepWeekly,
    keepMonthly: policy.keepMonthly,
    keepYearly: policy.keepYearly,
    offsiteTiers: { ...policy.offsiteTiers },
  };
}

function NumberFields({ form, fields }: { form: FormBinding<PolicyValues>; fields: PolicyField[] }) {
  return fields.map((field) => (
    <FormField
      key={field.name}
      form={form}
      name={field.name}
      options={{ valueAsNumber: true }}
      label={field.label}
      hint={field.hint}
    >
      {(control) => (
        <Input type="number" inputMode="numeric" min={field.min} max={field.max} step={1} {...control} />
      )}
    </FormField>
  ));
}

/** Edits the whole policy: the window, redundancy and logical count, and the four tiers. */
export function RetentionPolicyForm({
  clusterId,
  policy,
  onDone,
}: {
  clusterId: string;
  policy: RetentionPolicy;
  onDone: () => void;
}) {
  const save = useSaveRetention(clusterId);
  const form = useForm<PolicyValues>({
    defaultValues: policyFormValues(policy),
  });
  const {
    handleSubmit,
    setError,
    formState: { errors },
  } = form;
  const server = useServerErrors(
    save,
    setError,
    allFields.map((field) => field.name),
  );

  const onSubmit = handleSubmit((values) => {
    const parsed = retentionPolicySchema.safeParse(values);
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
      aria-label="Edit the retention policy"
      className="space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset"
    >
      <div className="grid gap-3 sm:grid-cols-3">
        <NumberFields form={form} fields={windowFields} />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-xs font-medium text-zinc-900">Tiers (grandfather-father-son)</legend>
        <p className="text-xs text-zinc-500">
          Physical backups kept beside the window: a backup any rule keeps is kept, with the WAL from its
          start. Days and weeks follow the physical backup schedule&apos;s time zone (UTC without one).
        </p>
        <div className="grid gap-3 sm:grid-cols-4">
          <NumberFields form={form} fields={tierFields} />
        </div>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-xs font-medium text-zinc-900">Offsite tiers</legend>
        <p className="text-xs text-zinc-500">
          Kept in the offsite repository beside its own days and minimum backups (set with the repository),
          with the offsite WAL from their start.
        </p>
        <div className="grid gap-3 sm:grid-cols-4">
          <NumberFields form={form} fields={offsiteTierFields} />
        </div>
      </fieldset>
      <FormErrors root={errors.root?.message} failure={server.failure} />
      <FormActions submitLabel="Save policy" busy={save.isPending} onCancel={onDone} size="sm" />
    </form>
  );
}
