"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import {
  formatInZone,
  toUtcIso,
  wallTimeCeil,
  zonedWallTimeToInstant,
} from "@/components/restores/zoned-time";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { formatCount as englishCount } from "@/components/ui/format";
import { useFormat } from "@/components/ui/use-format";
import { Input } from "@/components/ui/input";
import { useErrorMessage } from "@/components/forms/error-message";
import type { RestoresT } from "@/components/restores/describe";
import { fieldIssues } from "@/lib/client/fetcher";
import { useTableEvents, type FoundEvent, type TableEventsParams } from "@/lib/client/use-pitr";

// "When was my table dropped?": the transactions in the archived WAL that dropped, truncated or
// deleted many rows of a table, each with a button that sets the target to just before it.

const TABLE = /^([A-Za-z_][A-Za-z0-9_$]{0,62}\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

const kindTone = { drop: "danger", truncate: "orange", delete: "warning" } as const;

export function eventTitle(
  t: RestoresT,
  event: FoundEvent,
  formatCount: (value: number) => string = englishCount,
): string {
  const what =
    event.kind === "drop"
      ? "DROP"
      : event.kind === "truncate"
        ? "TRUNCATE"
        : t("pitr.events.deleteOf", { rows: formatCount(event.deletedRows ?? 0) });
  return t("pitr.events.eventTitle", { what, xid: String(event.xid) });
}

export function EventFinder({
  clusterId,
  timeZone,
  windowFrom,
  params,
  onSearch,
  chosenXid,
  onChoose,
}: {
  clusterId: string;
  timeZone: string;
  /** The restorable window's start: the default "from". */
  windowFrom: string | null;
  /** The search shown (the parent keeps it, to draw its events on the timeline). */
  params: TableEventsParams | null;
  onSearch: (params: TableEventsParams) => void;
  chosenXid: string | null;
  onChoose: (event: FoundEvent) => void;
}) {
  const all = useTranslations("restores");
  const t = useTranslations("restores.pitr.events");
  const errorMessage = useErrorMessage();
  const { formatCount } = useFormat();
  const [table, setTable] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [minDeletedRows, setMinDeletedRows] = useState("100");
  const [problems, setProblems] = useState<
    Partial<Record<"table" | "from" | "to" | "minDeletedRows", string>>
  >({});
  const query = useTableEvents(clusterId, params);
  const serverProblems = Object.fromEntries(
    fieldIssues(query.error).map((issue) => [issue.path, issue.message]),
  );
  const problem = (name: keyof typeof problems) =>
    problems[name] ?? (serverProblems[name] as string | undefined);
  const events = params ? (query.data?.events ?? []) : [];

  const search = (event: FormEvent) => {
    event.preventDefault();
    const found: typeof problems = {};
    if (!TABLE.test(table.trim())) found.table = t("badTable");
    const fromMs = from
      ? zonedWallTimeToInstant(from, timeZone)?.ms
      : windowFrom
        ? Date.parse(windowFrom)
        : undefined;
    if (from && fromMs === undefined) found.from = t("fullTime");
    const toMs = to ? zonedWallTimeToInstant(to, timeZone)?.ms : Date.now();
    if (to && toMs === undefined) found.to = t("fullTime");
    const rows = Number(minDeletedRows);
    if (!Number.isInteger(rows) || rows < 1) found.minDeletedRows = t("wholeNumber");
    if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) found.from = t("afterTo");
    setProblems(found);
    if (Object.keys(found).length) return;
    const next: TableEventsParams = {
      table: table.trim(),
      // Without a window, look back a day: the archive rarely holds much more than that unscanned.
      from: toUtcIso(fromMs ?? Date.now() - 86_400_000),
      to: toUtcIso(toMs!),
      minDeletedRows: rows,
    };
    onSearch(next);
  };

  return (
    <form onSubmit={search} noValidate aria-label={t("title")} className="space-y-3">
      <Field label={t("table")} error={problem("table")} hint={t("tableHint")}>
        {(control) => (
          <Input
            value={table}
            onChange={(event) => setTable(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            placeholder="public.orders"
            {...control}
          />
        )}
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label={t("from")} error={problem("from")} hint={t("fromHint")}>
          {(control) => (
            <Input
              type="datetime-local"
              step={1}
              value={from}
              placeholder={windowFrom ? wallTimeCeil(Date.parse(windowFrom), timeZone) : undefined}
              onChange={(event) => setFrom(event.target.value)}
              {...control}
            />
          )}
        </Field>
        <Field label={t("to")} error={problem("to")} hint={t("toHint")}>
          {(control) => (
            <Input
              type="datetime-local"
              step={1}
              value={to}
              onChange={(event) => setTo(event.target.value)}
              {...control}
            />
          )}
        </Field>
      </div>
      <p className="-mt-1 text-xs text-zinc-500">{t("timesIn", { zone: timeZone })}</p>
      <Field label={t("minRows")} error={problem("minDeletedRows")} hint={t("minRowsHint")}>
        {(control) => (
          <Input
            type="number"
            inputMode="numeric"
            min={1}
            value={minDeletedRows}
            onChange={(event) => setMinDeletedRows(event.target.value)}
            {...control}
          />
        )}
      </Field>
      <div className="flex items-center justify-end gap-2">
        {query.isFetching ? (
          <span role="status" className="flex items-center gap-1.5 text-xs text-zinc-500">
            <Spinner className="size-3" /> {t("reading")}
          </span>
        ) : null}
        <Button type="submit" size="sm" disabled={query.isFetching}>
          {t("find")}
        </Button>
      </div>

      {query.isError && Object.keys(serverProblems).length === 0 ? (
        <Alert tone="error" title={t("searchFailed")}>
          {errorMessage(query.error)}
        </Alert>
      ) : null}
      {params && query.data ? (
        <div className="space-y-2">
          {query.data.problems.length > 0 ? (
            <Alert tone="warning">
              <ul className="list-disc space-y-0.5 pl-4">
                {query.data.problems.map((text, index) => (
                  <li key={index}>{text}</li>
                ))}
              </ul>
            </Alert>
          ) : null}
          {events.length === 0 ? (
            <p role="status" className="text-sm text-zinc-500">
              {t("none", {
                table: params.table,
                from: formatInZone(Date.parse(params.from), timeZone),
                to: formatInZone(Date.parse(params.to), timeZone),
              })}
            </p>
          ) : (
            <ul
              aria-label={t("found")}
              className="divide-y divide-zinc-100 rounded-md ring-1 ring-zinc-200 ring-inset"
            >
              {events.map((event) => {
                const chosen = chosenXid === String(event.restoreTarget.value);
                const commit = Date.parse(event.commitTime);
                return (
                  <li key={`${event.xid}-${event.commitLsn}`} className="space-y-1 px-2.5 py-2 text-sm">
                    <div className="flex flex-wrap items-center gap-2">
                      <Badge tone={kindTone[event.kind]}>{event.kind}</Badge>
                      <span className="font-medium">{eventTitle(all, event, formatCount)}</span>
                    </div>
                    <p className="text-xs text-zinc-600 tabular-nums">
                      {t("committed", { time: formatInZone(commit, timeZone) })}{" "}
                      {timeZone !== "UTC" ? `· ${toUtcIso(commit)}` : null} · LSN{" "}
                      <code>{event.commitLsn}</code>
                      {event.relations?.length ? <> · {event.relations.join(", ")}</> : null}
                    </p>
                    <Button
                      size="sm"
                      variant={chosen ? "primary" : "secondary"}
                      aria-pressed={chosen}
                      aria-label={t("restoreBeforeLabel", { xid: String(event.xid) })}
                      onClick={() => onChoose(event)}
                    >
                      {chosen ? t("targetSet") : t("restoreBefore")}
                    </Button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      ) : null}
    </form>
  );
}
