"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { FormActions } from "@/components/ui/form-actions";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

/**
 * The confirmation for anything destructive (design.md "Safety rules"): nothing happens until
 * the user has typed `expected` (a cluster's or an instance's name) exactly.
 */
export function TypedConfirmDialog({
  open,
  onClose,
  title,
  description,
  expected,
  fieldLabel,
  confirmLabel,
  pending,
  error,
  onConfirm,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  expected: string;
  /** The label of the field the name is typed into. */
  fieldLabel?: string;
  confirmLabel: string;
  /** While true the dialog cannot be closed or submitted again. */
  pending: boolean;
  error?: ReactNode;
  onConfirm: (typed: string) => void;
  /** What will happen, shown above the name field. */
  children?: ReactNode;
}) {
  const t = useTranslations("common.confirm");
  const close = () => {
    if (!pending) onClose();
  };
  return (
    <Dialog open={open} onClose={close} title={title} description={description}>
      {/* Mounted only while open, so the typed name never survives a close. */}
      {open ? (
        <ConfirmForm
          expected={expected}
          fieldLabel={fieldLabel ?? t("clusterName")}
          confirmLabel={confirmLabel}
          pending={pending}
          error={error}
          onConfirm={onConfirm}
          onCancel={close}
        >
          {children}
        </ConfirmForm>
      ) : null}
    </Dialog>
  );
}

function ConfirmForm({
  expected,
  fieldLabel,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onCancel,
  children,
}: {
  expected: string;
  fieldLabel: string;
  confirmLabel: string;
  pending: boolean;
  error?: ReactNode;
  onConfirm: (typed: string) => void;
  onCancel: () => void;
  children?: ReactNode;
}) {
  const t = useTranslations("common.confirm");
  const [typed, setTyped] = useState("");
  const matches = typed === expected;
  return (
    <form
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (matches) onConfirm(typed);
      }}
    >
      {children}
      <p className="text-sm text-zinc-700">
        {t.rich("typeBelow", {
          expected,
          code: (chunks) => <code className="rounded bg-zinc-100 px-1 font-semibold">{chunks}</code>,
        })}
      </p>
      <Field label={fieldLabel}>
        {(control) => (
          <Input
            autoComplete="off"
            spellCheck={false}
            autoFocus
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            {...control}
          />
        )}
      </Field>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <FormActions
        submitLabel={confirmLabel}
        busy={pending}
        disabled={!matches}
        variant="danger"
        onCancel={onCancel}
      />
    </form>
  );
}
