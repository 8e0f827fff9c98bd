"use client";

import type { FieldPath, FieldValues, UseFormSetError } from "react-hook-form";
import { placeIssues, type IssueLike, type IssuePlacement } from "@/components/forms/issues";
import { Alert } from "@/components/ui/alert";
import { useErrorMessage } from "@/components/forms/error-message";
import { fieldIssues } from "@/lib/client/fetcher";

/** What the hook reads of the react-query mutation that sends the form. */
interface SendState {
  isError: boolean;
  error: unknown;
}

export interface ServerErrors {
  /** A mutation's onError: each field problem of the answer under its control. */
  onError: (error: unknown) => void;
  /** The form's own checks (zod issues), placed by the same rule as the server's. */
  show: (issues: readonly IssueLike[]) => void;
  /** The refusal to show for the whole form: one whose answer names no field (else null). */
  failure: unknown;
}

/**
 * A form's errors from the server: the field problems of a refused request (details.issues, read
 * by fieldIssues) set on the controls they name, and a form-level message when there are none.
 */
export function useServerErrors<V extends FieldValues>(
  send: SendState,
  setError: UseFormSetError<V>,
  placement: IssuePlacement<FieldPath<V>>,
): ServerErrors {
  const place = (issues: readonly IssueLike[], type: "validate" | "server") => {
    for (const issue of placeIssues(issues, placement))
      setError(issue.field, { type, message: issue.message });
  };
  return {
    onError: (error) => place(fieldIssues(error), "server"),
    show: (issues) => place(issues, "validate"),
    failure: send.isError && fieldIssues(send.error).length === 0 ? send.error : null,
  };
}

/**
 * The messages that belong to no control, above a form's buttons: the form's "root" error and a
 * refusal (or any failure the form shows whole), with an optional title.
 */
export function FormErrors({ root, failure, title }: { root?: string; failure?: unknown; title?: string }) {
  const errorMessage = useErrorMessage();
  return (
    <>
      {root ? <Alert tone="error">{root}</Alert> : null}
      {failure ? (
        <Alert tone="error" title={title}>
          {errorMessage(failure)}
        </Alert>
      ) : null}
    </>
  );
}
