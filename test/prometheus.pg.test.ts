import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as metricsRoute from "@/app/metrics/route";
import { ensureDefaultRules } from "@/lib/alerts/rules";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { dashboardExpressions } from "@/test/prometheus-dashboard";
import { serveRoute, type ServedRoute } from "@/test/prometheus-http";
import { waitUntil } from "@/test/wait";

// Prometheus as a first-class citizen (issue 17): the exposition passes `promtool check metrics`,
// a real Prometheus server scrapes /metrics with a viewer token and answers PromQL about
// replication lag and backup age, and the shipped alerting rules pass `promtool check rules`
// and `promtool test rules`. Programs from Debian's `prometheus` package (installed by .ci/run).
// Just over 400 lines: one catalog fixture serves the exposition, promtool and the server.

const WALDEN_PORT = 28400;
const PROMETHEUS_PORT = 28401;
const RULES = resolve("deploy/prometheus/walden-rules.yml");
const installed = ["promtool", "prometheus"].every(
  (program) => spawnSync("sh", ["-c", 'command -v "$1"', "sh", program]).status === 0,
);
if (!installed)
  console.warn(
    "test/prometheus.pg.test.ts skipped: promtool/prometheus missing (apt-get install prometheus)",
  );

const clusterName = `prom-${Date.now().toString(36)}`;
const hour = 3_600_000;
let viewer: TestUser;
let clusterId: string;
const now = Date.now();
const backupFinishedAt = new Date(now - 2 * hour);

function snapshot(sampledAt: Date) {
  return {
    clusterId: "",
    primary: {
      name: "primary",
      reachable: true,
      currentLsn: "0/5000000",
      timeline: 1,
      inRecovery: false,
      serverVersionNum: 160000,
      walBytesPerSecond: 2048,
      error: null,
    },
    standbys: [
      {
        name: "replica-a",
        upstream: "primary",
        state: "streaming",
        stateSince: sampledAt.toISOString(),
        reason: null,
        reachable: true,
        syncState: "async",
        sentLsn: "0/5000000",
        writeLsn: "0/5000000",
        flushLsn: "0/5000000",
        receiveLsn: "0/5000000",
        replayLsn: "0/3000000",
        lagBytes: { sent: 0, write: 0, flush: 0, replay: 33554432 },
        lagSeconds: { write: 0, flush: 0, replay: 7.5 },
        replayPaused: false,
        lastReplayedCommitAt: null,
        timeline: 1,
        conflicts: 0,
        error: null,
      },
    ],
    slots: [],
    archiver: {
      archivedCount: 9,
      failedCount: 0,
      lastArchivedWal: "000000010000000000000004",
      lastArchivedAt: new Date(sampledAt.getTime() - 90_000).toISOString(),
      lastFailedWal: null,
      lastFailedAt: null,
      failing: false,
      readyCount: 2,
    },
    sampledAt: sampledAt.toISOString(),
    intervalSeconds: 1,
  };
}

const gap = (segments: number) => ({
  timeline: 1,
  fromWal: "000000010000000000000002",
  toWal: "000000010000000000000004",
  fromLsn: "0/2000000",
  toLsn: "0/5000000",
  segments,
  from: null,
  to: null,
});

beforeAll(async () => {
  viewer = await makeUser("viewer");
  const cluster = await db().cluster.create({
    data: {
      name: clusterName,
      archiveMode: "archive_command",
      rpoTargetSeconds: 3600,
      nodes: {
        create: [
          { name: "primary", role: "primary", host: "127.0.0.1", port: 1, username: "u", database: "d" },
          { name: "replica-a", role: "standby", host: "127.0.0.1", port: 2, username: "u", database: "d" },
        ],
      },
    },
  });
  clusterId = cluster.id;
  const sampledAt = new Date();
  const json = (value: object) => value as Prisma.InputJsonValue;
  await db().clusterSnapshot.create({
    data: { clusterId, sampledAt, ownerId: "test", snapshot: json({ ...snapshot(sampledAt), clusterId }) },
  });
  const backup = (data: Omit<Prisma.BackupUncheckedCreateInput, "clusterId" | "options" | "requestedBy">) =>
    db().backup.create({ data: { clusterId, options: {}, requestedBy: "test", ...data } });
  await backup({
    kind: "physical",
    status: "succeeded",
    startedAt: new Date(backupFinishedAt.getTime() - 125_000),
    finishedAt: backupFinishedAt,
    sizeBytes: 123_456_789n,
    verified: false,
    verifiedAt: new Date(now - hour),
  });
  // An older physical backup must not count as the last one.
  await backup({
    kind: "physical",
    status: "succeeded",
    startedAt: new Date(now - 30 * hour),
    finishedAt: new Date(now - 29 * hour),
    sizeBytes: 1n,
  });
  await backup({
    kind: "logical",
    status: "failed",
    startedAt: new Date(now - hour),
    finishedAt: new Date(now - hour),
  });
  await backup({ kind: "logical", status: "running", startedAt: new Date() });
  await db().restoreWindowSnapshot.create({
    data: {
      clusterId,
      computedAt: new Date(),
      window: json({
        clusterId,
        earliest: new Date(backupFinishedAt).toISOString(),
        latest: new Date(now - 60_000).toISOString(),
        ranges: [],
        timelines: [],
        gaps: [gap(3), gap(2)],
        backups: [],
        problems: [],
        archive: null,
      }),
    },
  });
  await db().restore.create({
    data: {
      clusterId,
      kind: "pitr",
      status: "succeeded",
      purpose: "drill",
      request: {},
      requestedBy: "test",
      rtoMs: 95_500,
      startedAt: new Date(now - 25 * hour),
      finishedAt: new Date(now - 24 * hour),
    },
  });
  await ensureDefaultRules(clusterId);
  const rule = await db().alertRule.findFirstOrThrow({
    where: { clusterId, kind: "replication_lag_bytes", severity: "warning" },
  });
  await db().alert.create({
    data: {
      ruleId: rule.id,
      clusterId,
      kind: rule.kind,
      subject: "replica-a",
      state: "firing",
      severity: "warning",
      message: "lag",
      pendingSince: new Date(now - 120_000),
      startedAt: new Date(now - 60_000),
    },
  });
});

afterAll(async () => {
  if (clusterId) await db().cluster.delete({ where: { id: clusterId } });
});

/** The value of the one series whose line starts with `series` (name and labels). */
function valueOf(exposition: string, series: string): number {
  const line = exposition.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series} in the exposition`);
  return Number(line.slice(series.length + 1));
}

const promtool = (args: string[], input?: string, cwd?: string) =>
  spawnSync("promtool", args, { input, cwd, encoding: "utf8", timeout: 30_000 });

describe("GET /metrics: backups, jobs, window, drills and alerts", () => {
  it("exposes them per cluster in Prometheus's units", async () => {
    const response = await call(metricsRoute.GET, "GET", "/metrics", { token: viewer.token });
    expect(response.status).toBe(200);
    const value = (name: string, labels: string) =>
      valueOf(response.text, `${name}{cluster="${clusterName}"${labels}}`);
    expect(value("walden_backup_last_success_timestamp_seconds", ',kind="physical"')).toBe(
      backupFinishedAt.getTime() / 1000,
    );
    expect(value("walden_backup_last_duration_seconds", ',kind="physical"')).toBe(125);
    expect(value("walden_backup_last_size_bytes", ',kind="physical"')).toBe(123_456_789);
    expect(value("walden_backup_last_failure_timestamp_seconds", ',kind="logical"')).toBe(
      (now - hour) / 1000,
    );
    expect(response.text).not.toContain(
      `walden_backup_last_success_timestamp_seconds{cluster="${clusterName}",kind="logical"}`,
    );
    expect(value("walden_jobs_running", ',job="backup_logical"')).toBe(1);
    expect(value("walden_jobs_running", ',job="backup_physical"')).toBe(0);
    expect(value("walden_backup_last_verification_success", "")).toBe(0);
    expect(value("walden_restore_window_start_timestamp_seconds", "")).toBe(
      backupFinishedAt.getTime() / 1000,
    );
    expect(value("walden_restore_window_end_timestamp_seconds", "")).toBe((now - 60_000) / 1000);
    expect(value("walden_wal_archive_gaps", "")).toBe(2);
    expect(value("walden_wal_archive_missing_segments", "")).toBe(5);
    // Two segments waiting, the last archived 90 s before the sample.
    expect(value("walden_wal_archive_lag_seconds", "")).toBeGreaterThanOrEqual(90);
    expect(value("walden_drill_last_rto_seconds", "")).toBe(95.5);
    expect(value("walden_alerts_firing", ',severity="warning"')).toBe(1);
    expect(value("walden_alerts_firing", ',severity="critical"')).toBe(0);
    expect(value("walden_cluster_rpo_target_seconds", "")).toBe(3600);
    expect(value("walden_writable_nodes", "")).toBe(1);
  });

  it.skipIf(!installed)("passes promtool check metrics (which does fail a bad exposition)", async () => {
    const response = await call(metricsRoute.GET, "GET", "/metrics", { token: viewer.token });
    const checked = promtool(["check", "metrics"], response.text);
    expect(checked.stdout + checked.stderr).toBe("");
    expect(checked.status).toBe(0);
    const bad = promtool(
      ["check", "metrics"],
      "# HELP walden_things Things\n# TYPE walden_things counter\nwalden_things 1\n",
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/_total/);
  });
});

describe.skipIf(!installed)("deploy/prometheus/walden-rules.yml", () => {
  it("passes promtool check rules and promtool test rules", () => {
    const checked = promtool(["check", "rules", RULES]);
    expect(checked.stdout + checked.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(checked.status).toBe(0);
    const tested = promtool(
      ["test", "rules", "walden-rules.test.yml"],
      undefined,
      resolve("deploy/prometheus"),
    );
    expect(tested.stdout + tested.stderr).toMatch(/SUCCESS/);
    expect(tested.status).toBe(0);
  });
});

describe.skipIf(!installed)("a real Prometheus server", () => {
  let folder: string;
  let walden: ServedRoute;
  let prometheus: ChildProcess | undefined;
  let output = "";

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "walden-prometheus-"));
    walden = await serveRoute(metricsRoute.GET, WALDEN_PORT);
    writeFileSync(join(folder, "token"), viewer.token, { mode: 0o600 });
    const target = `["127.0.0.1:${WALDEN_PORT}"]`;
    writeFileSync(
      join(folder, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s, evaluation_interval: 1s }",
        `rule_files: ["${RULES}"]`,
        "scrape_configs:",
        "  - job_name: walden",
        `    authorization: { type: Bearer, credentials_file: "${join(folder, "token")}" }`,
        `    static_configs: [{ targets: ${target} }]`,
        // Without the token the scrape must fail: proof the token is what lets the other one in.
        "  - job_name: walden-anonymous",
        `    static_configs: [{ targets: ${target} }]`,
        "",
      ].join("\n"),
    );
    prometheus = spawn(
      "prometheus",
      [
        `--config.file=${join(folder, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(folder, "data")}`,
        `--web.listen-address=127.0.0.1:${PROMETHEUS_PORT}`,
        "--log.level=warn",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    prometheus.stdout?.on("data", (chunk) => (output += chunk));
    prometheus.stderr?.on("data", (chunk) => (output += chunk));
  });

  afterAll(async () => {
    if (prometheus?.exitCode === null) {
      const exited = new Promise((done) => prometheus!.once("exit", done));
      prometheus.kill("SIGTERM");
      await exited;
    }
    await walden?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /** The instant vector PromQL answers for `query`, over the HTTP API. */
  async function query(
    promql: string,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const url = new URL(`http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/query`);
    url.searchParams.set("query", promql);
    const response = await fetch(url);
    const body = await response.json();
    if (body.status !== "success") throw new Error(`${promql}: ${JSON.stringify(body)}`);
    return body.data.result;
  }

  it("scrapes /metrics with a viewer token and answers PromQL about replication lag and backup age", async () => {
    const answered = async (promql: string) => {
      try {
        const result = await query(promql);
        return result.length > 0 ? result : null;
      } catch {
        return null; // not listening yet
      }
    };
    const lag = await waitUntil(
      `Prometheus to scrape Walden (its output: ${output})`,
      () =>
        answered(`max by (cluster) (walden_replication_lag_bytes{cluster="${clusterName}",kind="replay"})`),
      30_000,
      250,
    ).catch((error) => {
      throw new Error(`${error.message}\nprometheus said: ${output}`);
    });
    expect(lag.map((series) => Number(series.value[1]))).toEqual([33554432]);
    expect(walden.requests).toBeGreaterThan(0);

    const age = await query(
      `time() - walden_backup_last_success_timestamp_seconds{cluster="${clusterName}",kind="physical"}`,
    );
    expect(age).toHaveLength(1);
    const ageSeconds = Number(age[0]?.value[1]);
    expect(ageSeconds).toBeGreaterThan(2 * 3600 - 5);
    expect(ageSeconds).toBeLessThan(2 * 3600 + 120);

    const up = await waitUntil(
      "both scrape jobs to report up",
      async () => {
        const result = await query("up");
        return result.length >= 2 ? result : null;
      },
      15_000,
      250,
    );
    const upOf = (job: string) => up.find((series) => series.metric.job === job)?.value[1];
    expect(upOf("walden")).toBe("1");
    expect(upOf("walden-anonymous")).toBe("0");

    // Every query of the Grafana dashboard is PromQL this server accepts (label_values() is
    // Grafana's own), and the panels about this cluster find its series.
    const dashboard = JSON.parse(readFileSync(resolve("deploy/grafana/walden.json"), "utf8"));
    const panelQueries = dashboardExpressions(dashboard).filter((expr) => !expr.startsWith("label_values"));
    const answers = await Promise.all(
      panelQueries.map((expr) =>
        query(expr.replaceAll("$cluster", clusterName)).then((result) => [expr, result.length] as const),
      ),
    );
    const empty = answers.filter(([, found]) => found === 0).map(([expr]) => expr);
    // Only the offsite lag and slot series are absent: this cluster has no offsite repository and no slots.
    expect(
      empty.every((expr) => /walden_offsite_lag_seconds|walden_slot_/.test(expr)),
      empty.join("\n"),
    ).toBe(true);

    // The shipped rules load in a real server too.
    const rules = await (await fetch(`http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/rules`)).json();
    const names = rules.data.groups.flatMap((group: { rules: { name: string }[] }) =>
      group.rules.map((rule) => rule.name),
    );
    expect(names).toContain("WaldenBackupOverdue");
    expect(names).toContain("WaldenReplicationLagBytes");
  });
});
