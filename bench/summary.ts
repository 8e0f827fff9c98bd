// The end of a run: the summary table of every part's rows and the greppable ratio lines, on the
// console and in docs/benchmarks.md (a partial run: in the bench home).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_HOME } from "./setup";
import {
  fmt,
  heading,
  loadAverageText,
  markdownTable,
  namedSummaryRows,
  ratioLines,
  SUMMARY_HEADER,
  table,
} from "./support";

/** What a run measured and on what: the summary's context. */
export interface RunRecord {
  /** Every part, in order; a run that measured them all writes docs/benchmarks.md. */
  allParts: readonly string[];
  parts: ReadonlySet<string>;
  startedAt: number;
  /** The replication part's sampler log lines (state changes, failures). */
  samplerLog: readonly string[];
  machine: { description: [string, string][]; loadAtStart: string };
}

/** Prints the summary table, the ratio lines and how busy the machine was; returns the ratio lines. */
export function printSummary(rows: string[][], run: RunRecord): string[] {
  const { parts, samplerLog, startedAt } = run;
  heading("summary");
  const named = namedSummaryRows(rows);
  console.log(table(SUMMARY_HEADER, named));
  const lines = ratioLines(named);
  console.log(`\n${lines.join("\n")}`);
  if (parts.has("replication")) {
    const failures = samplerLog.filter((line) => line.includes("failed") || line.includes("lost"));
    console.log(
      `\nsampler log: ${samplerLog.length} lines, ${failures.length} failures` +
        (failures.length ? `; first: ${failures.slice(0, 3).join(" | ")}` : ""),
    );
  }
  // Everything here shares the machine with whatever else runs on it: say how busy it was.
  console.log(
    `total bench time ${fmt((Date.now() - startedAt) / 1000, 0)} s; ${loadAverageText()} at the end`,
  );
  return lines;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** docs/benchmarks.md for a run of every part; a partial run goes to the bench home, not over it. */
export function writeSummary(rows: string[][], lines: string[], run: RunRecord): void {
  const { parts, startedAt, machine } = run;
  const complete = run.allParts.every((part) => parts.has(part));
  const file = complete
    ? path.join(repoRoot, "docs", "benchmarks.md")
    : path.join(BENCH_HOME, "benchmarks-partial.md");
  const command = complete ? "npm run bench" : `npm run bench -- --only=${[...parts].join(",")}`;
  const text = [
    complete ? "# Benchmarks" : "# Benchmarks (partial run)",
    "",
    `Measured on ${new Date(startedAt).toISOString().slice(0, 16).replace("T", " ")} UTC by \`${command}\` ` +
      `(parts: ${[...parts].join(", ")}; ${fmt((Date.now() - startedAt) / 60_000, 1)} minutes). ` +
      "Written by bench/run.ts: run it again to replace this file.",
    "",
    "## Machine",
    "",
    markdownTable(
      ["", ""],
      [
        ...machine.description,
        ["load", `${machine.loadAtStart} at the start, ${loadAverageText()} at the end`],
      ],
    ),
    "",
    "## Summary",
    "",
    markdownTable(SUMMARY_HEADER, namedSummaryRows(rows), [1, 2, 3]),
    "",
    "```",
    ...lines,
    "```",
    "",
    "## How to read it",
    "",
    "Every row puts a Walden figure next to a baseline measured in the same run, on the same machine,",
    "alternated with it where the two can run in turn: the raw PostgreSQL program with the same",
    "arguments, the manual procedure, a direct query, or the same endpoint with 1 cluster or over a",
    "shorter window. The ratio (Walden / baseline) is the verdict; the absolute times say how fast this",
    "machine was and are there for context only (a slower machine gives slower figures, not a failure).",
    "A ratio near 1.00 means Walden adds next to nothing to the work itself; for the scaling rows (100 vs",
    "1 clusters) a ratio far below 100 means the cost does not grow with the fleet. The console output",
    "of the same command has the per-part tables behind each row (pairs, percentiles, where the time goes).",
    "The load averages above say how busy the machine was: well above its number of CPUs, other work",
    "competed with the bench and the figures (ratios included) are noisy.",
    "",
  ].join("\n");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(
    complete
      ? `\nwrote ${path.relative(repoRoot, file)}`
      : `\npartial run: the summary is in ${file} (docs/benchmarks.md is written by a run of every part)`,
  );
}
