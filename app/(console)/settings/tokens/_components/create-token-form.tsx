"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { SubmitButton } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { roles, type Role } from "@/lib/schemas/roles";
import { useCreateToken } from "@/lib/client/use-tokens";
import { tokenCreateSchema, type TokenCreateInput } from "@/lib/schemas/user";
import { NewTokenNotice } from "./new-token-notice";

type FormValues = z.input<typeof tokenCreateSchema>;
const fields = ["name", "role", "userId", "expiresInDays"] as const;
const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

export function CreateTokenForm({
  owners,
  currentUserId,
}: {
  owners: { id: string; email: string; role: Role }[];
  currentUserId: string;
}) {
  const router = useRouter();
  const t = useTranslations("settings.tokens.form");
  const roleName = useTranslations("shell.roles");
  const createToken = useCreateToken();
  const form = useForm<FormValues, unknown, TokenCreateInput>({
    resolver: zodResolver(tokenCreateSchema),
    defaultValues: { name: "", role: "viewer", userId: currentUserId, expiresInDays: undefined },
  });
  const {
    handleSubmit,
    reset,
    setError,
    formState: { errors },
  } = form;
  const server = useServerErrors(createToken, setError, fields);

  const onSubmit = handleSubmit((values) => {
    createToken.mutate(
      // Issuing for yourself needs no userId; sending it only when it differs keeps the audit entry honest.
      { ...values, userId: values.userId === currentUserId ? undefined : values.userId },
      {
        onSuccess: () => {
          reset();
          router.refresh();
        },
        onError: server.onError,
      },
    );
  });

  return (
    <div className="space-y-4 px-4 py-4">
      {createToken.isSuccess ? (
        <NewTokenNotice token={createToken.data} onDone={() => createToken.reset()} />
      ) : null}
      <form onSubmit={onSubmit} noValidate aria-label={t("label")} className="space-y-4">
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-4">
          <FormField form={form} name="name" label={t("name")} hint={t("nameHint")}>
            {(control) => <Input autoComplete="off" {...control} />}
          </FormField>
          <FormField form={form} name="role" label={t("role")} hint={t("roleHint")}>
            {(control) => (
              <Select choices={roles.map((role) => [role, roleName(role)] as const)} {...control} />
            )}
          </FormField>
          <FormField form={form} name="userId" label={t("owner")}>
            {(control) => (
              <Select
                choices={owners.map(
                  (owner) =>
                    [
                      owner.id,
                      t("ownerOption", { email: owner.email, role: roleName(owner.role) }) +
                        (owner.id === currentUserId ? t("you") : ""),
                    ] as const,
                )}
                {...control}
              />
            )}
          </FormField>
          <FormField
            form={form}
            name="expiresInDays"
            options={{
              setValueAs: (value: unknown) => {
                const raw = emptyToUndefined(value);
                return raw === undefined ? undefined : Number(raw);
              },
            }}
            label={t("expires")}
            hint={t("expiresHint")}
          >
            {(control) => <Input type="number" inputMode="numeric" min={1} max={3650} {...control} />}
          </FormField>
        </div>
        <FormErrors root={errors.root?.message} failure={server.failure} />
        <SubmitButton busy={createToken.isPending}>{t("submit")}</SubmitButton>
      </form>
    </div>
  );
}
