"use client";

import { useTranslations } from "next-intl";
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
  /** Its label and hint in cluster.retention.form. */
  text: "recoveryWindowDays" | "minRedundancy" | "logicalKeep" | Tier;
  offsite?: boolean;
  min: number;
  max: number;
}

type Tier = "keepDaily" | "keepWeekly" | "keepMonthly" | "keepYearly";

const windowFields: PolicyField[] = [
  { name: "recoveryWindowDays", text: "recoveryWindowDays", min: 0, max: 3650 },
  { name: "minRedundancy", text: "minRedundancy", min: 1, max: 1000 },
  { name: "logicalKeep", text: "logicalKeep", min: 0, max: 10000 },
];

/** Grandfather-father-son: kept beside the window, whichever keeps more. */
const TIERS: Tier[] = ["keepDaily", "keepWeekly", "keepMonthly", "keepYearly"];
const tierFields: PolicyField[] = TIERS.map((tier) => ({ name: tier, text: tier, min: 0, max: 1000 }));

/** The same tiers in the offsite repository (its days and minimum are set with the repository). */
const offsiteTierFields: PolicyField[] = TIERS.map((tier) => ({
  name: `offsiteTiers.${tier}`,
  text: tier,
  offsite: true,
  min: 0,
  max: 1000,
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
  const t = useTranslations("cluster.retention.form");
  return fields.map((field) => (
    <FormField
      key={field.name}
      form={form}
      name={field.name}
      options={{ valueAsNumber: true }}
      label={t(field.text)}
      hint={
        field.text.startsWith("keep")
          ? t("tierHint", {
              what: t(field.offsite ? "tierWhat.offsite" : "tierWhat.local"),
              periods: t(`tierPeriods.${field.text as Tier}`),
            })
          : t(`${field.text as "recoveryWindowDays" | "minRedundancy" | "logicalKeep"}Hint`)
      }
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
  const t = useTranslations("cluster.retention.form");
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
      aria-label={t("aria")}
      className="space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset"
    >
      <div className="grid gap-3 sm:grid-cols-3">
        <NumberFields form={form} fields={windowFields} />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-xs font-medium text-zinc-900">{t("tiersLegend")}</legend>
        <p className="text-xs text-zinc-500">{t("tiersHelp")}</p>
        <div className="grid gap-3 sm:grid-cols-4">
          <NumberFields form={form} fields={tierFields} />
        </div>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-xs font-medium text-zinc-900">{t("offsiteLegend")}</legend>
        <p className="text-xs text-zinc-500">{t("offsiteHelp")}</p>
        <div className="grid gap-3 sm:grid-cols-4">
          <NumberFields form={form} fields={offsiteTierFields} />
        </div>
      </fieldset>
      <FormErrors root={errors.root?.message} failure={server.failure} />
      <FormActions submitLabel={t("save")} busy={save.isPending} onCancel={onDone} size="sm" />
    </form>
  );
}
