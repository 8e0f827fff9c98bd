"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import { livePolling } from "@/lib/client/live-query";
import type { AlertKind, Severity } from "@/lib/schemas/alerts";
import type { ChannelInput, ChannelKind, ChannelSettings } from "@/lib/schemas/notification-channels";

// The alerts console's reads and commands against /api/v1/alerts, /alert-rules and
// /notification-channels. The keys live here so every alert view invalidates the same cache.

export interface AlertSummary {
  id: string;
  ruleId: string;
  clusterId: string;
  kind: AlertKind;
  state: "pending" | "firing" | "resolved";
  severity: Severity;
  startedAt: string | null;
  resolvedAt: string | null;
  message: string;
  subject: string;
  acknowledgedAt: string | null;
  silencedUntil: string | null;
}

export interface AlertRuleSummary {
  id: string;
  clusterId: string | null;
  kind: AlertKind;
  threshold: number | null;
  forSeconds: number;
  severity: Severity;
  enabled: boolean;
  channelIds: string[];
  isDefault?: boolean;
}

export interface AlertRuleCreate {
  clusterId?: string;
  kind: AlertKind;
  threshold?: number;
  forSeconds: number;
  severity: Severity;
  enabled: boolean;
  channelIds: string[];
}

export type AlertRulePatch = Partial<Omit<AlertRuleCreate, "clusterId" | "kind">>;

export interface ChannelSummary {
  id: string;
  kind: ChannelKind;
  name: string;
  displayTarget: string;
  enabled?: boolean;
  createdAt?: string;
  /** What an edit starts from, secrets left out; null when the stored settings are unreadable. */
  settings?: ChannelSettings | null;
}

export interface DeliverySummary {
  id: string;
  channelId?: string;
  alertId?: string | null;
  event: string;
  status: string;
  attempts: number;
  lastError?: string | null;
  responseStatus?: number | null;
  /** When the worker tries again, while it is still pending. */
  nextAttemptAt?: string | null;
  createdAt: string;
  deliveredAt?: string | null;
  /** The message's `text`, as a Slack channel would show it. */
  text?: string | null;
}

export interface AlertFilters {
  state?: "firing" | "resolved";
  clusterId?: string;
}

export const alertKeys = {
  all: ["alerts"] as const,
  list: (filters: AlertFilters) => ["alerts", "list", filters] as const,
  rules: ["alert-rules"] as const,
  channels: ["notification-channels"] as const,
  deliveries: (channelId: string) => ["notification-channels", channelId, "deliveries"] as const,
};

function alertsPath({ state, clusterId }: AlertFilters): string {
  const params = new URLSearchParams();
  if (state) params.set("state", state);
  if (clusterId) params.set("clusterId", clusterId);
  const query = params.toString();
  return query ? `/api/v1/alerts?${query}` : "/api/v1/alerts";
}

/** Alerts matching the filters, newest first, polled every 5 s. */
export function useAlerts(filters: AlertFilters, refetchInterval = 5_000) {
  return useQuery({
    queryKey: alertKeys.list(filters),
    queryFn: ({ signal }) => apiFetch<AlertSummary[]>(alertsPath(filters), { signal }),
    ...livePolling(refetchInterval),
    staleTime: 0,
  });
}

/** Acknowledges a firing alert (operator): it stays firing but someone is on it. */
export function useAcknowledgeAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiFetch<AlertSummary>(`/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`, { method: "POST" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

/** Silences an alert's notifications until an ISO time (operator). */
export function useSilenceAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, until }: { id: string; until: string }) =>
      apiFetch<AlertSummary>(`/api/v1/alerts/${encodeURIComponent(id)}/silence`, {
        method: "POST",
        body: { until },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useAlertRules() {
  return useQuery({
    queryKey: alertKeys.rules,
    queryFn: ({ signal }) => apiFetch<AlertRuleSummary[]>("/api/v1/alert-rules", { signal }),
  });
}

export function useCreateAlertRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AlertRuleCreate) =>
      apiFetch<AlertRuleSummary>("/api/v1/alert-rules", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.rules }),
  });
}

export function useUpdateAlertRule(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: AlertRulePatch) =>
      apiFetch<AlertRuleSummary>(`/api/v1/alert-rules/${encodeURIComponent(id)}`, {
        method: "PATCH",
        body: patch,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.rules }),
  });
}

export function useDeleteAlertRule(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<void>(`/api/v1/alert-rules/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.rules }),
  });
}

export function useChannels() {
  return useQuery({
    queryKey: alertKeys.channels,
    queryFn: ({ signal }) => apiFetch<ChannelSummary[]>("/api/v1/notification-channels", { signal }),
  });
}

export function useCreateChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput) =>
      apiFetch<ChannelSummary>("/api/v1/notification-channels", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.channels }),
  });
}

/** Edits a channel: the fields given; a secret left out keeps the stored one. */
export function useUpdateChannel(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Record<string, unknown>) =>
      apiFetch<ChannelSummary>(`/api/v1/notification-channels/${encodeURIComponent(id)}`, {
        method: "PATCH",
        body: patch,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.channels }),
  });
}

export function useDeleteChannel(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiFetch<void>(`/api/v1/notification-channels/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.channels }),
  });
}

/** Sends a test notification now and answers with what the channel's endpoint did. */
export function useTestChannel(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiFetch<Partial<DeliverySummary> & { ok?: boolean }>(
        `/api/v1/notification-channels/${encodeURIComponent(id)}/test`,
        { method: "POST" },
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertKeys.deliveries(id) }),
  });
}

/** A channel's recent deliveries with their attempts, polled while shown (retries run in the worker). */
export function useDeliveries(channelId: string) {
  return useQuery({
    queryKey: alertKeys.deliveries(channelId),
    queryFn: ({ signal }) =>
      apiFetch<DeliverySummary[]>(
        `/api/v1/notification-channels/${encodeURIComponent(channelId)}/deliveries`,
        { signal },
      ),
    ...livePolling(5_000),
    staleTime: 0,
  });
}
