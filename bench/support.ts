import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { performance } from "node:perf_hooks";
import type { NodeConnection } from "@/lib/pg/connection";

// Small helpers shared by the measurements: timing, statistics, a table printer, connections.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const now = () => performance.now();

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? NaN;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1),
  };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  if (!sorted.length) return NaN;
  return sorted.length % 2 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

export function fmt(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const MiB = 2 ** 20;
/** Milliseconds in the tables: whole ones. */
export const ms = (value: number) => fmt(value, 0);
/** Milliseconds shown as seconds, two decimals. */
export const seconds = (msValue: number) => fmt(msValue / 1000, 2);

/** "12.3×" — how many times the first figure is the second. */
export function ratio(numerator: number, denominator: number, digits = 1): string {
  return denominator > 0 && Number.isFinite(numerator) ? `${fmt(numerator / denominator, digits)}×` : "—";
}

/** A plain text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!)))
      .join("   ");
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

export function heading(title: string): void {
  console.log(`\n== ${title} ${"=".repeat(Math.max(0, 86 - title.length))}`);
}

/**
 * Calls `check` every `intervalMs` until it returns true, and returns the milliseconds from
 * `since` (a performance.now() value) to the moment the check that succeeded came back.
 */
export async function pollUntil(
  description: string,
  check: () => Promise<boolean>,
  opts: { since: number; intervalMs: number; timeoutMs: number },
): Promise<number> {
  for (;;) {
    if (await check()) return now() - opts.since;
    if (now() - opts.since > opts.timeoutMs) {
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${description}`);
    }
    await sleep(opts.intervalMs);
  }
}

/** A persistent connection of the bench's own (not Walden's), named so it is easy to tell apart. */
export async function connect(node: NodeConnection, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ ...node, application_name: applicationName });
  // Stopping the sandbox at the end drops the socket: that must not crash the process.
  client.on("error", () => {});
  await client.connect();
  return client;
}

export async function scalar<T>(client: pg.Client, text: string, values: unknown[] = []): Promise<T> {
  const { rows } = await client.query<{ value: T }>(text, values);
  return rows[0]!.value;
}

/**
 * Others may share this machine: before a measurement whose figures are wall times, wait (up to
 * `maxWaitMs`) for the 1-minute load average to fall to `limit`. Returns the load seen at the
 * start and at the end of the wait; the caller prints both so the figures can be judged.
 */
export async function waitForQuietMachine(
  limit: number,
  maxWaitMs: number,
  log: (line: string) => void,
): Promise<{ before: number; after: number; waitedMs: number }> {
  const before = os.loadavg()[0]!;
  const start = now();
  let load = before;
  let lastLog = start;
  while (load > limit && now() - start < maxWaitMs) {
    if (now() - lastLog >= 30_000) {
      log(
        `load average ${fmt(load, 2)} > ${fmt(limit, 1)}: waiting (${fmt((now() - start) / 1000, 0)} s so far)`,
      );
      lastLog = now();
    }
    await sleep(5_000);
    load = os.loadavg()[0]!;
  }
  return { before, after: load, waitedMs: now() - start };
}

// ---------------------------------------------------------------------------------------------
// The summary: one table of every part's rows, greppable ratio lines, the machine it ran on
// ---------------------------------------------------------------------------------------------

/** Every part's summary rows have these columns. */
export const SUMMARY_HEADER = ["metric", "walden", "baseline", "ratio", "baseline is"];

/** The number in a ratio cell ("1.031×" → 1.031), or null for "—". */
function ratioValue(cell: string | undefined): string | null {
  const match = /^(-?[\d,]+(?:\.\d+)?)×?$/.exec((cell ?? "").trim());
  return match ? match[1]!.replace(/,/g, "") : null;
}

/**
 * A row with a ratio is named with the word: "catalog writes (samples/s)" is shown as "catalog
 * writes ratio (samples/s)"; a metric that says "ratio" already is kept.
 */
export function namedSummaryRows(rows: string[][]): string[][] {
  return rows.map(([metric = "", ...rest]) => {
    if (ratioValue(rest[2]) === null || /\bratio\b/.test(metric)) return [metric, ...rest];
    const paren = metric.indexOf(" (");
    return [paren < 0 ? `${metric} ratio` : `${metric.slice(0, paren)} ratio${metric.slice(paren)}`, ...rest];
  });
}

/** "physical backup ratio 1.031": one line per ratio, the metric up to what follows "ratio" before a "(". */
export function ratioLines(rows: string[][]): string[] {
  return namedSummaryRows(rows).flatMap(([metric = "", , , cell]) => {
    const value = ratioValue(cell);
    const at = /\bratio\b/.exec(metric);
    if (value === null || !at) return [];
    const after = metric.slice(at.index + "ratio".length);
    const name = metric.slice(0, at.index + "ratio".length) + after.slice(0, after.search(/\(|$/)).trimEnd();
    return [`${name} ${value}`];
  });
}

/** A Markdown table (pipes in cells escaped); the columns listed in `right` are right-aligned. */
export function markdownTable(header: string[], rows: string[][], right: number[] = []): string {
  const cell = (value: string) => value.replace(/\|/g, "\\|");
  const line = (row: string[]) => `| ${row.map(cell).join(" | ")} |`;
  const rule = header.map((_, column) => (right.includes(column) ? " ---: " : " --- ")).join("|");
  return [line(header), `|${rule}|`, ...rows.map(line)].join("\n");
}

export const loadAverageText = () =>
  `load average ${os
    .loadavg()
    .map((load) => fmt(load, 2))
    .join(" ")}`;

function commandOutput(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: "utf8", timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

/** What the figures were measured on: CPU, memory, OS, Node, PostgreSQL, the bench home's disk. */
export function describeMachine(home: string, pgBinDir: string): [string, string][] {
  const cpus = os.cpus();
  const osRelease = readFileSync("/etc/os-release", { encoding: "utf8", flag: "r" })
    .split("\n")
    .find((line) => line.startsWith("PRETTY_NAME="))
    ?.replace(/^PRETTY_NAME="?|"$/g, "");
  // "Filesystem Type Size Used Avail Use% Mounted on" of the folder the sandbox writes to.
  const df = commandOutput("df", ["-hT", home])?.split("\n")[1]?.split(/\s+/);
  return [
    ["CPU", `${cpus[0]?.model ?? "unknown"} × ${cpus.length}`],
    [
      "memory",
      `${fmt(os.totalmem() / 2 ** 30, 1)} GiB (${fmt(os.freemem() / 2 ** 30, 1)} GiB free at the start)`,
    ],
    ["OS", `${osRelease ?? os.type()}, kernel ${os.release()} (${os.arch()})`],
    ["Node", process.version],
    ["PostgreSQL", commandOutput(path.join(pgBinDir, "postgres"), ["--version"]) ?? "unknown"],
    [
      "bench home",
      df
        ? `${home}: ${df[1]} on ${df[0]} mounted at ${df[6]} (${df[2]}, ${df[4]} free)`
        : `${home} (df failed)`,
    ],
  ];
}
