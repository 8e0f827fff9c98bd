"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { describedBy, Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { roles } from "@/lib/auth/roles";
import { errorMessage, showServerFieldErrors } from "@/lib/client/fetcher";
import { useCreateUser } from "@/lib/client/use-users";
import { userCreateSchema, type UserCreateInput } from "@/lib/schemas/user";

type FormValues = z.input<typeof userCreateSchema>;

export function CreateUserForm() {
  const router = useRouter();
  const createUser = useCreateUser();
  const [created, setCreated] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors },
  } = useForm<FormValues, unknown, UserCreateInput>({
    resolver: zodResolver(userCreateSchema),
    defaultValues: { email: "", name: "", role: "viewer", password: "" },
  });

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
        onError: (error) => {
          showServerFieldErrors(error, setError);
        },
      },
    );
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create user" className="space-y-4 px-4 py-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-4">
        <Field id="user-email" label="Email" error={errors.email?.message}>
          <Input
            id="user-email"
            type="email"
            autoComplete="off"
            {...describedBy("user-email", errors.email?.message)}
            {...register("email")}
          />
        </Field>
        <Field id="user-name" label="Name (optional)" error={errors.name?.message}>
          <Input
            id="user-name"
            autoComplete="off"
            {...describedBy("user-name", errors.name?.message)}
            {...register("name")}
          />
        </Field>
        <Field id="user-role" label="Role" error={errors.role?.message}>
          <Select id="user-role" {...describedBy("user-role", errors.role?.message)} {...register("role")}>
            {roles.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          id="user-password"
          label="Password"
          error={errors.password?.message}
          hint="At least 12 characters"
        >
          <Input
            id="user-password"
            type="password"
            autoComplete="new-password"
            {...describedBy("user-password", errors.password?.message, true)}
            {...register("password")}
          />
        </Field>
      </div>
      {createUser.isError ? <Alert tone="error">{errorMessage(createUser.error)}</Alert> : null}
      {created ? <Alert tone="success">Created {created}.</Alert> : null}
      <Button type="submit" variant="primary" disabled={createUser.isPending}>
        {createUser.isPending ? <Spinner /> : null}
        Create user
      </Button>
    </form>
  );
}
