"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import { FormField } from "@/components/forms/form-field";
import { FormErrors } from "@/components/forms/server-errors";
import { SubmitButton } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useLogin } from "@/lib/client/use-auth";
import { loginSchema } from "@/lib/schemas/user";

export function LoginForm({ next }: { next?: string }) {
  const router = useRouter();
  const t = useTranslations("auth.form");
  const login = useLogin();
  const form = useForm({ resolver: zodResolver(loginSchema), defaultValues: { email: "", password: "" } });

  const onSubmit = form.handleSubmit((values) =>
    login.mutate(values, {
      onSuccess: () => {
        router.replace(next ?? "/");
        router.refresh();
      },
    }),
  );
  const busy = login.isPending || login.isSuccess;

  return (
    <form onSubmit={onSubmit} noValidate aria-label={t("label")} className="space-y-4">
      <FormErrors failure={login.error} />
      <FormField form={form} name="email" label={t("email")}>
        {(control) => <Input type="email" autoComplete="username" autoFocus {...control} />}
      </FormField>
      <FormField form={form} name="password" label={t("password")}>
        {(control) => <Input type="password" autoComplete="current-password" {...control} />}
      </FormField>
      <SubmitButton busy={busy} className="w-full">
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
