import { useTranslations } from "next-intl";
import { Button, ButtonLink, SubmitButton } from "@/components/ui/button";

/** A form's buttons at its end: Cancel (a callback, or a link back) beside the submit. */
export function FormActions({
  submitLabel,
  busy,
  disabled,
  variant = "primary",
  size,
  onCancel,
  cancelHref,
}: {
  submitLabel: string;
  busy: boolean;
  /** The submit only: e.g. until a name is typed to confirm. */
  disabled?: boolean;
  variant?: "primary" | "danger";
  size?: "sm" | "md";
  onCancel?: () => void;
  cancelHref?: string;
}) {
  const t = useTranslations("common.actions");
  return (
    <div className="flex justify-end gap-2">
      {cancelHref ? (
        <ButtonLink href={cancelHref} variant="secondary" size={size}>
          {t("cancel")}
        </ButtonLink>
      ) : onCancel ? (
        <Button variant="secondary" size={size} onClick={onCancel} disabled={busy}>
          {t("cancel")}
        </Button>
      ) : null}
      <SubmitButton busy={busy} disabled={disabled} variant={variant} size={size}>
        {submitLabel}
      </SubmitButton>
    </div>
  );
}
