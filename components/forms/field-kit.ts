"use client";

import { useId } from "react";
import type { FieldErrors, FieldValues, Path, UseFormRegister } from "react-hook-form";
import { describedBy } from "@/components/ui/field";

// What a fieldset needs of the react-hook-form around it: registration, errors, element ids
// unique to this form, and the aria props that tie a control to its hint or error.

export interface FieldKit<V extends FieldValues> {
  register: UseFormRegister<V>;
  errors: FieldErrors<V>;
  /** An element id unique to this form instance. */
  fid: (name: string) => string;
  /** aria-invalid and aria-describedby for the control of `name` (its hint when it has one). */
  text: (name: Path<V>, hint?: boolean) => ReturnType<typeof describedBy>;
}

export function useFieldKit<V extends FieldValues>(
  register: UseFormRegister<V>,
  errors: FieldErrors<V>,
): FieldKit<V> {
  const id = useId();
  const fid = (name: string) => `${id}-${name}`;
  const text = (name: Path<V>, hint?: boolean) =>
    describedBy(fid(name), (errors[name] as { message?: string } | undefined)?.message, hint);
  return { register, errors, fid, text };
}
