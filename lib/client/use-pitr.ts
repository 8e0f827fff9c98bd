"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import { z } from "zod";
import { ApiError, apiFetch, errorMessage, fieldIssues } from "@/lib/client/fetcher";
import type { PitrRequestBody } from "@/lib/schemas/restore";
import { windowSummarySchema, type RestorePlan, type WindowSummary } from "@/lib/schemas/restore-plan";
import type { TableEvent, TableEventsResult } from "@/lib/schemas/table-events";

/** Why the planner refused a target, with the restorable window beside it. */
export interface PlanRefusalView {
  message: string;
  reason?: string;
  window?: WindowSummary;
}

// The PITR form's reads and its one command. The preview asks the worker (it reads WAL), so it
// waits for the form to be still for a moment and keeps the last answer while it asks again.

const PREVIEW_DEBOUNCE_MS = 600;

/** A found event as GET /api/v1/clusters/:id/table-events returns it. */
export type FoundEvent = TableEvent;
export type TableEventsAnswer = TableEventsResult;

export interface TableEventsParams {
  table: string;
  from: string;
  to: string;
  minDeletedRows: number;
}

const subscribeNothing = () => () => {};

/** False during the server render and hydration, true after: for values only the browser knows. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeNothing,
    () => true,
    () => false,
  );
}

/** The browser's IANA zone once hydrated; "UTC" before (the server cannot know it). */
export function useBrowserTimeZone(): string {
  const hydrated = useHydrated();
  return hydrated ? Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" : "UTC";
}

/** `value` once it has not changed for `delay` ms. */
export function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** A refused plan's 422 details (lib/restore/mutations.ts previewRestore); a part of another shape is left out. */
const refusalDetailsSchema = z.object({
  reason: z.string().optional().catch(undefined),
  window: windowSummarySchema.optional().catch(undefined),
});

/** The details of a 422 the planner refused with: its reason and the window. */
export function refusalOf(error: unknown): PlanRefusalView | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const details = refusalDetailsSchema.safeParse(error.details);
  if (!details.success) return null;
  return { message: error.message, reason: details.data.reason, window: details.data.window };
}

export interface PlanPreviewState {
  plan: RestorePlan | null;
  refusal: PlanRefusalView | null;
  error: string | null;
  checking: boolean;
  /** The plan answers exactly the body given (not an older one still shown). */
  current: boolean;
  /** The body could not be checked (e.g. the worker is down): a restore may still be tried. */
  unchecked: boolean;
}

/** POST /api/v1/restores/preview for `body`, debounced; null body: nothing to ask yet. */
export function usePlanPreview(body: PitrRequestBody | null): PlanPreviewState {
  const key = body ? JSON.stringify(body) : null;
  const settled = useDebounced(key, PREVIEW_DEBOUNCE_MS);
  const query = useQuery({
    queryKey: ["restore-preview", settled],
    queryFn: ({ signal }) =>
      apiFetch<{ plan: RestorePlan }>("/api/v1/restores/preview", {
        method: "POST",
        body: JSON.parse(settled!) as unknown,
        signal,
      }),
    enabled: settled !== null,
    retry: false,
    staleTime: 15_000,
    placeholderData: keepPreviousData,
  });
  const waiting = key !== settled;
  const answered = !waiting && !query.isPlaceholderData && !query.isFetching;
  const refusal = query.isError ? refusalOf(query.error) : null;
  const fieldProblem = query.isError && !refusal ? fieldIssues(query.error)[0] : undefined;
  return {
    plan: query.isError ? null : (query.data?.plan ?? null),
    refusal: refusal ?? (fieldProblem ? { message: `${fieldProblem.path}: ${fieldProblem.message}` } : null),
    error: query.isError && !refusal && !fieldProblem ? errorMessage(query.error) : null,
    checking: key !== null && (waiting || query.isFetching),
    current: answered && query.isSuccess,
    unchecked: answered && query.isError && !refusal && !fieldProblem,
  };
}

/** GET /api/v1/clusters/:id/table-events for the submitted search; null: not searched yet. */
export function useTableEvents(clusterId: string, params: TableEventsParams | null) {
  return useQuery({
    queryKey: ["table-events", clusterId, params],
    queryFn: ({ signal }) => {
      const search = new URLSearchParams({
        table: params!.table,
        from: params!.from,
        to: params!.to,
        minDeletedRows: String(params!.minDeletedRows),
      });
      return apiFetch<TableEventsAnswer>(
        `/api/v1/clusters/${encodeURIComponent(clusterId)}/table-events?${search.toString()}`,
        { signal },
      );
    },
    enabled: params !== null,
    retry: false,
    staleTime: 60_000,
  });
}

/** POST /api/v1/restores: 202 {id, status, plan}; 422 when the target cannot be reached, 409 when too many instances run. */
export function useStartRestore() {
  return useMutation({
    mutationFn: (body: PitrRequestBody) =>
      apiFetch<{ id: string; status: "queued"; plan: RestorePlan | null }>("/api/v1/restores", {
        method: "POST",
        body,
      }),
  });
}
