"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { describedBy, Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { errorMessage } from "@/lib/client/fetcher";
import { useLogin } from "@/lib/client/use-auth";
import { loginSchema } from "@/lib/schemas/user";

export function LoginForm({ next }: { next?: string }) {
  const router = useRouter();
  const login = useLogin();
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm({ resolver: zodResolver(loginSchema), defaultValues: { email: "", password: "" } });

  const onSubmit = handleSubmit((values) =>
    login.mutate(values, {
      onSuccess: () => {
        router.replace(next ?? "/");
        router.refresh();
      },
    }),
  );
  const busy = login.isPending || login.isSuccess;

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Sign in" className="space-y-4">
      {login.isError ? <Alert tone="error">{errorMessage(login.error)}</Alert> : null}
      <Field id="email" label="Email" error={errors.email?.message}>
        <Input
          id="email"
          type="email"
          autoComplete="username"
          autoFocus
          {...describedBy("email", errors.email?.message)}
          {...register("email")}
        />
      </Field>
      <Field id="password" label="Password" error={errors.password?.message}>
        <Input
          id="password"
          type="password"
          autoComplete="current-password"
          {...describedBy("password", errors.password?.message)}
          {...register("password")}
        />
      </Field>
      <Button type="submit" variant="primary" className="w-full" disabled={busy}>
        {busy ? <Spinner /> : null}
        Sign in
      </Button>
    </form>
  );
}
