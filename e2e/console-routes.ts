import fs from "node:fs";
import path from "node:path";
import { expect, request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { readSandboxJson } from "./sandbox";

// The console's pages with real ids for their dynamic segments, for specs that visit every
// page: e2e/responsive.spec.ts (phone and desktop, light and dark) and e2e/i18n.spec.ts (Korean).

const BACKUP_TIMEOUT = 120_000;

interface Row {
  id: string;
  status: string;
}

/** The console's routes, read from app/(console)/**\/page.tsx, so a new page is visited too. */
export function consoleRoutes(): string[] {
  const root = path.resolve("app/(console)");
  return fs
    .readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => path.basename(file) === "page.tsx")
    .map((file) => {
      const route = path
        .dirname(file)
        .split(path.sep)
        .filter((segment) => segment !== "." && !segment.startsWith("_") && !/^\(.*\)$/.test(segment))
        .join("/");
      return `/${route}`;
    })
    .sort();
}

/** An API client with the demo's admin token. */
export async function adminApi(): Promise<APIRequestContext> {
  const sandbox = readSandboxJson();
  return playwrightRequest.newContext({
    baseURL: sandbox.url,
    extraHTTPHeaders: { authorization: `Bearer ${sandbox.tokens.admin}` },
  });
}

async function getJson<T>(context: APIRequestContext, url: string): Promise<T> {
  const response = await context.get(url);
  expect(response.status(), `GET ${url}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

/** A succeeded backup of `kind`: the newest one, or one taken now. */
async function succeededBackup(admin: APIRequestContext, clusterId: string, kind: string): Promise<string> {
  const list = await getJson<Row[]>(admin, `/api/v1/backups?clusterId=${clusterId}&kind=${kind}`);
  const done = list.find((backup) => backup.status === "succeeded");
  if (done) return done.id;
  let pending = list.find((backup) => backup.status === "queued" || backup.status === "running");
  if (!pending) {
    const response = await admin.post("/api/v1/backups", { data: { clusterId, kind } });
    expect(response.status(), await response.text()).toBe(202);
    pending = (await response.json()) as Row;
  }
  const id = pending.id;
  await expect
    .poll(async () => (await getJson<Row>(admin, `/api/v1/backups/${id}`)).status, {
      timeout: BACKUP_TIMEOUT,
      intervals: [2_000],
    })
    .toBe("succeeded");
  return id;
}

/** How long routeParams() may take when it has to run a backup first. */
export const ROUTE_PARAMS_TIMEOUT = 3 * BACKUP_TIMEOUT;

/**
 * Real ids for the dynamic segments: the demo cluster, its backup, a restore (a logical restore
 * into a new database on the demo primary when there is none yet: quick, and no restore port).
 */
export async function routeParams(): Promise<Record<string, string>> {
  const clusterId = readSandboxJson().clusters[0]!.id;
  const admin = await adminApi();
  try {
    const backupId = await succeededBackup(admin, clusterId, "physical");
    let restores = await getJson<Row[]>(admin, `/api/v1/restores?clusterId=${clusterId}`);
    if (restores.length === 0) {
      const logicalId = await succeededBackup(admin, clusterId, "logical");
      const response = await admin.post("/api/v1/restores", {
        data: { clusterId, kind: "logical", backupId: logicalId, database: `routes_${Date.now()}` },
      });
      expect(response.status(), await response.text()).toBe(202);
      restores = [(await response.json()) as Row];
    }
    const month = new Date().toISOString().slice(0, 7);
    return { clusterId, backupId, restoreId: restores[0]!.id, month };
  } finally {
    await admin.dispose();
  }
}

export function fillRoute(route: string, params: Record<string, string>): string {
  return route.replace(/\[(\w+)\]/g, (_, name: string) => {
    const value = params[name];
    if (!value) throw new Error(`no real value for [${name}] in ${route}: add it to routeParams()`);
    return value;
  });
}
