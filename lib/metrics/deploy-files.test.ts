import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultRules } from "@/lib/schemas/alerts";
import { dashboardExpressions } from "@/test/prometheus-dashboard";
import { metricNames } from "./families";

// The files in deploy/ name Walden's metrics by hand: a rename in families.ts must not leave a
// Grafana panel or an alerting rule querying a series that no longer exists. The rules are run
// by promtool in test/prometheus.pg.test.ts, and the dashboard's queries by a real Prometheus.

const read = (path: string) => readFileSync(resolve(path), "utf8");
// Metric names, not the rules' `walden_kind:` label (a YAML key).
const metricsIn = (text: string) => new Set(text.match(/\bwalden_[a-z0-9_]+\b(?!:)/g) ?? []);

describe("deploy/grafana/walden.json", () => {
  const dashboard = JSON.parse(read("deploy/grafana/walden.json"));

  it("queries only metrics /metrics exposes", () => {
    const known = new Set(metricNames());
    const expressions = dashboardExpressions(dashboard);
    expect(expressions.length).toBeGreaterThan(10);
    const used = metricsIn(expressions.join("\n"));
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
    // The headline series the issue asks for are on the board.
    for (const name of [
      "walden_backup_last_success_timestamp_seconds",
      "walden_replication_lag_bytes",
      "walden_restore_window_end_timestamp_seconds",
      "walden_wal_archive_gaps",
      "walden_drill_last_rto_seconds",
      "walden_alerts_firing",
    ])
      expect(used).toContain(name);
  });

  it("is an importable dashboard: unique panel ids, every panel but rows with a query", () => {
    expect(dashboard).toMatchObject({ uid: "walden-overview", title: expect.any(String) });
    const panels: { id: number; type: string; targets?: { expr?: string }[] }[] = dashboard.panels;
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of panels.filter((candidate) => candidate.type !== "row"))
      expect(
        panel.targets?.every((target) => /walden_/.test(target.expr ?? "")),
        `panel ${panel.id}`,
      ).toBe(true);
  });
});

describe("deploy/prometheus/walden-rules.yml", () => {
  const rules = read("deploy/prometheus/walden-rules.yml");

  it("queries only metrics /metrics exposes", () => {
    const known = new Set(metricNames());
    expect([...metricsIn(rules)].filter((name) => !known.has(name))).toEqual([]);
  });

  it("mirrors every default alert rule of Walden's, with its severity", () => {
    const mirrored = new Set(
      [...rules.matchAll(/labels: \{ severity: (\w+), walden_kind: (\w+) \}/g)].map(
        ([, severity, kind]) => `${kind}/${severity}`,
      ),
    );
    const defaults = new Set(defaultRules.map((rule) => `${rule.kind}/${rule.severity}`));
    expect([...mirrored].sort()).toEqual([...defaults].sort());
  });
});
