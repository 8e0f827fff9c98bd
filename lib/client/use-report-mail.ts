"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import { livePolling } from "@/lib/client/live-query";
import type {
  ReportMailingSummary,
  ReportMailSettings,
  ReportMailSettingsInput,
} from "@/lib/schemas/notification-channels";

// The monthly report by e-mail (admin): its settings, "send now" and the recent mailings.

export const reportMailKeys = {
  settings: ["report-mail", "settings"] as const,
  mailings: ["report-mail", "mailings"] as const,
};

export function useReportMailSettings() {
  return useQuery({
    queryKey: reportMailKeys.settings,
    queryFn: ({ signal }) => apiFetch<ReportMailSettings>("/api/v1/reports/mail-settings", { signal }),
  });
}

export function useSaveReportMailSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ReportMailSettingsInput) =>
      apiFetch<ReportMailSettings>("/api/v1/reports/mail-settings", { method: "PUT", body: input }),
    onSuccess: (saved) => queryClient.setQueryData(reportMailKeys.settings, saved),
  });
}

/** Mailings newest first; polled while one is still on its way. */
export function useReportMailings() {
  return useQuery({
    queryKey: reportMailKeys.mailings,
    queryFn: ({ signal }) => apiFetch<ReportMailingSummary[]>("/api/v1/reports/mailings", { signal }),
    ...livePolling<ReportMailingSummary[]>((data) =>
      data?.some((mailing) => mailing.status === "queued" || mailing.status === "sending") ? 3_000 : false,
    ),
  });
}

export function useSendReportNow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (month?: string) =>
      apiFetch<ReportMailingSummary>("/api/v1/reports/mail", {
        method: "POST",
        body: month ? { month } : {},
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: reportMailKeys.mailings }),
  });
}
