"use client";

import type { ReactNode } from "react";
import {
  get,
  type FieldErrors,
  type FieldPath,
  type FieldValues,
  type RegisterOptions,
  type UseFormRegister,
  type UseFormRegisterReturn,
} from "react-hook-form";
import { CheckboxField } from "@/components/ui/choice";
import { Field, type FieldControl } from "@/components/ui/field";
import { useIssueText } from "./zod-locale";

// <Field> bound to a react-hook-form: the control is registered under `name`, and the field's
// error is that name's (nested names such as "primary.host" included).

/** What a field needs of the form around it; a useForm() result is one. */
export interface FormBinding<V extends FieldValues> {
  register: UseFormRegister<V>;
  formState: { errors: FieldErrors<V> };
}

/** The message of the error react-hook-form holds for `name`, if any. */
export function errorOf<V extends FieldValues>(form: FormBinding<V>, name: FieldPath<V>): string | undefined {
  const error: unknown = get(form.formState.errors, name);
  if (typeof error !== "object" || error === null || !("message" in error)) return undefined;
  return typeof error.message === "string" && error.message ? error.message : undefined;
}

export function FormField<V extends FieldValues, N extends FieldPath<V>>({
  form,
  name,
  options,
  id,
  label,
  hint,
  className,
  children,
}: {
  form: FormBinding<V>;
  name: N;
  options?: RegisterOptions<V, N>;
  id?: string;
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
  children: (control: FieldControl & UseFormRegisterReturn<N>) => ReactNode;
}) {
  const issueText = useIssueText();
  return (
    <Field id={id} label={label} error={issueText(errorOf(form, name))} hint={hint} className={className}>
      {(control) => children({ ...control, ...form.register(name, options) })}
    </Field>
  );
}

/** A checkbox registered under `name`, with its hint and error. */
export function FormCheckbox<V extends FieldValues, N extends FieldPath<V>>({
  form,
  name,
  label,
  hint,
  tone,
  className,
}: {
  form: FormBinding<V>;
  name: N;
  label: ReactNode;
  hint?: ReactNode;
  tone?: "default" | "danger";
  className?: string;
}) {
  const issueText = useIssueText();
  return (
    <CheckboxField
      label={label}
      hint={hint}
      tone={tone}
      className={className}
      error={issueText(errorOf(form, name))}
      {...form.register(name)}
    />
  );
}
