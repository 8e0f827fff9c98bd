"use client";

import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import type { OidcDiscoveryResult, OidcSettingsInput, OidcSettingsView } from "@/lib/schemas/oidc";

// The single sign-on settings page's two requests; the page itself is rendered on the server.

export function useSaveOidcSettings() {
  return useMutation({
    mutationFn: (input: OidcSettingsInput) =>
      apiFetch<OidcSettingsView>("/api/v1/auth/oidc/settings", { method: "PUT", body: input }),
  });
}

export function useTestOidcDiscovery() {
  return useMutation({
    mutationFn: (issuerUrl: string | undefined) =>
      apiFetch<OidcDiscoveryResult>("/api/v1/auth/oidc/settings/test", {
        method: "POST",
        body: issuerUrl ? { issuerUrl } : {},
      }),
  });
}
