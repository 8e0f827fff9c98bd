"use client";

import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import type { Role } from "@/lib/schemas/roles";

export interface LoginInput {
  email: string;
  password: string;
}

export function useLogin() {
  return useMutation({
    mutationFn: (input: LoginInput) =>
      apiFetch<{ user: { email: string; role: Role } }>("/api/v1/auth/login", {
        method: "POST",
        body: input,
      }),
  });
}

export function useLogout() {
  return useMutation({
    mutationFn: () => apiFetch<void>("/api/v1/auth/logout", { method: "POST" }),
  });
}
