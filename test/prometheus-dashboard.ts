// The PromQL of deploy/grafana/walden.json, for the checks that its metrics exist
// (lib/metrics/deploy-files.test.ts) and that a real Prometheus parses every query
// (test/prometheus.pg.test.ts).

/** Every PromQL expression in a Grafana dashboard: the panels' targets and the query variables. */
export function dashboardExpressions(dashboard: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown, key?: string) => {
    if (typeof node === "string" && (key === "expr" || key === "definition")) found.push(node);
    else if (Array.isArray(node)) node.forEach((item) => visit(item));
    else if (node && typeof node === "object")
      for (const [childKey, child] of Object.entries(node)) visit(child, childKey);
  };
  visit(dashboard);
  return found;
}
