"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { roles } from "@/lib/schemas/roles";
import { useCreateUser } from "@/lib/client/use-users";
import { userCreateSchema, type UserCreateInput } from "@/lib/schemas/user";

type FormValues = z.input<typeof userCreateSchema>;
const fields = ["email", "name", "role", "password"] as const;

export function CreateUserForm() {
  const router = useRouter();
  const t = useTranslations("settings.users.form");
  const roleName = useTranslations("shell.roles");
  const createUser = useCreateUser();
  const [created, setCreated] = useState<string | null>(null);
  const form = useForm<FormValues, unknown, UserCreateInput>({
    resolver: zodResolver(userCreateSchema),
    defaultValues: { email: "", name: "", role: "viewer", password: "" },
  });
  const {
    handleSubmit,
    reset,
    setError,
    formState: { errors },
  } = form;
  const server = useServerErrors(createUser, setError, fields);

  const onSubmit = handleSubmit((values) => {
    setCreated(null);
    createUser.mutate(
      { ...values, name: values.name ? values.name : undefined },
      {
        onSuccess: (user) => {
          setCreated(user.email);
          reset();
          router.refresh();
        },
        onError: server.onError,
      },
    );
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label={t("label")} className="space-y-4 px-4 py-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-4">
        <FormField form={form} name="email" label={t("email")}>
          {(control) => <Input type="email" autoComplete="off" {...control} />}
        </FormField>
        <FormField form={form} name="name" label={t("name")}>
          {(control) => <Input autoComplete="off" {...control} />}
        </FormField>
        <FormField form={form} name="role" label={t("role")}>
          {(control) => (
            <Select choices={roles.map((role) => [role, roleName(role)] as const)} {...control} />
          )}
        </FormField>
        <FormField form={form} name="password" label={t("password")} hint={t("passwordHint")}>
          {(control) => <Input type="password" autoComplete="new-password" {...control} />}
        </FormField>
      </div>
      <FormErrors root={errors.root?.message} failure={server.failure} />
      {created ? <Alert tone="success">{t("created", { email: created })}</Alert> : null}
      <SubmitButton busy={createUser.isPending}>{t("submit")}</SubmitButton>
    </form>
  );
}
