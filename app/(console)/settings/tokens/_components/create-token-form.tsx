"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { describedBy, Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { roles, type Role } from "@/lib/auth/roles";
import { errorMessage, showServerFieldErrors } from "@/lib/client/fetcher";
import { useCreateToken } from "@/lib/client/use-tokens";
import { tokenCreateSchema, type TokenCreateInput } from "@/lib/schemas/user";
import { NewTokenNotice } from "./new-token-notice";

type FormValues = z.input<typeof tokenCreateSchema>;
const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

export function CreateTokenForm({
  owners,
  currentUserId,
}: {
  owners: { id: string; email: string; role: Role }[];
  currentUserId: string;
}) {
  const router = useRouter();
  const createToken = useCreateToken();
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors },
  } = useForm<FormValues, unknown, TokenCreateInput>({
    resolver: zodResolver(tokenCreateSchema),
    defaultValues: { name: "", role: "viewer", userId: currentUserId, expiresInDays: undefined },
  });

  const onSubmit = handleSubmit((values) => {
    createToken.mutate(
      // Issuing for yourself needs no userId; sending it only when it differs keeps the audit entry honest.
      { ...values, userId: values.userId === currentUserId ? undefined : values.userId },
      {
        onSuccess: () => {
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
    <div className="space-y-4 px-4 py-4">
      {createToken.isSuccess ? (
        <NewTokenNotice token={createToken.data} onDone={() => createToken.reset()} />
      ) : null}
      <form onSubmit={onSubmit} noValidate aria-label="Create token" className="space-y-4">
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-4">
          <Field
            id="token-name"
            label="Name"
            error={errors.name?.message}
            hint="What uses it, e.g. prometheus-scrape"
          >
            <Input
              id="token-name"
              autoComplete="off"
              {...describedBy("token-name", errors.name?.message, true)}
              {...register("name")}
            />
          </Field>
          <Field id="token-role" label="Role" error={errors.role?.message} hint="Capped at the owner's role">
            <Select
              id="token-role"
              {...describedBy("token-role", errors.role?.message, true)}
              {...register("role")}
            >
              {roles.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="token-owner" label="Owner" error={errors.userId?.message}>
            <Select
              id="token-owner"
              {...describedBy("token-owner", errors.userId?.message)}
              {...register("userId")}
            >
              {owners.map((owner) => (
                <option key={owner.id} value={owner.id}>
                  {`${owner.email} (${owner.role})${owner.id === currentUserId ? " — you" : ""}`}
                </option>
              ))}
            </Select>
          </Field>
          <Field
            id="token-expires"
            label="Expires in days"
            error={errors.expiresInDays?.message}
            hint="Empty: never expires"
          >
            <Input
              id="token-expires"
              type="number"
              inputMode="numeric"
              min={1}
              max={3650}
              {...describedBy("token-expires", errors.expiresInDays?.message, true)}
              {...register("expiresInDays", {
                setValueAs: (value: unknown) => {
                  const raw = emptyToUndefined(value);
                  return raw === undefined ? undefined : Number(raw);
                },
              })}
            />
          </Field>
        </div>
        {createToken.isError ? <Alert tone="error">{errorMessage(createToken.error)}</Alert> : null}
        <Button type="submit" variant="primary" disabled={createToken.isPending}>
          {createToken.isPending ? <Spinner /> : null}
          Create token
        </Button>
      </form>
    </div>
  );
}
