"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import type { FieldPath, FieldValues } from "react-hook-form";
import { FormField, type FormBinding } from "@/components/forms/form-field";
import { Input } from "@/components/ui/input";

/**
 * "Type the … name to confirm": the field in front of a restore that writes over or next to
 * live data. Its hint shows the name to type, or what to choose first while there is none.
 */
export function ConfirmNameField<V extends FieldValues, N extends FieldPath<V>>({
  form,
  name,
  label,
  expected,
  consequence,
  missing,
  className,
}: {
  form: FormBinding<V>;
  name: N;
  label: string;
  /** The name to type; empty while it is not chosen yet. */
  expected: string;
  /** What typing it agrees to, after the name (e.g. ": its tables in the dump are replaced."). */
  consequence: ReactNode;
  /** The hint while there is no name yet. */
  missing: string;
  className?: string;
}) {
  const t = useTranslations("restores.confirmName");
  return (
    <FormField
      form={form}
      name={name}
      label={label}
      className={className}
      hint={
        expected ? (
          <>
            {t.rich("type", {
              expected,
              code: (chunks) => <code className="rounded bg-zinc-100 px-1 font-semibold">{chunks}</code>,
            })}
            {consequence}
          </>
        ) : (
          missing
        )
      }
    >
      {(control) => <Input autoComplete="off" spellCheck={false} className="sm:max-w-md" {...control} />}
    </FormField>
  );
}
