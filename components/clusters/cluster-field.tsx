"use client";

import { useTranslations } from "next-intl";
import type { FieldPath, FieldValues, RegisterOptions } from "react-hook-form";
import { FormField, type FormBinding } from "@/components/forms/form-field";
import { Select } from "@/components/ui/input";

/** "Cluster": the choice every backup, restore and alert form starts with. */
export function ClusterField<V extends FieldValues, N extends FieldPath<V>>({
  form,
  name,
  clusters,
  options,
  allLabel,
  disabled,
  className,
}: {
  form: FormBinding<V>;
  name: N;
  clusters: readonly { id: string; name: string }[];
  options?: RegisterOptions<V, N>;
  /** A first choice meaning "no one cluster" (value ""), e.g. "Every cluster". */
  allLabel?: string;
  disabled?: boolean;
  className?: string;
}) {
  const t = useTranslations("clusters.field");
  return (
    <FormField form={form} name={name} options={options} label={t("cluster")} className={className}>
      {(control) => (
        <Select
          disabled={disabled}
          choices={clusters.map((cluster) => [cluster.id, cluster.name] as const)}
          {...control}
        >
          {allLabel !== undefined ? <option value="">{allLabel}</option> : null}
        </Select>
      )}
    </FormField>
  );
}
