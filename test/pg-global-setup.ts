import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateCatalog } from "../lib/db/migrate";
import { startSandbox, stopSandbox } from "../lib/sandbox";

// The `pg` project runs against a real sandbox (the same code as `npm run demo`) in its own
// WALDEN_HOME and ports, so it never touches a running demo.
export const testHome = path.resolve(process.env.WALDEN_TEST_HOME ?? ".walden-test");
// Test ports sit below Linux's ephemeral range (32768+), where a client socket could take one.
export const testBasePort = Number(process.env.WALDEN_TEST_PG_PORT ?? 25320);

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    waldenHome: string;
    sandbox: import("../lib/sandbox").SandboxInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const options = {
    home: testHome,
    basePort: testBasePort,
    log: (line: string) => console.log(`[sandbox] ${line}`),
  };
  const sandbox = await startSandbox(options);
  await migrateCatalog(sandbox.catalog.url);
  project.provide("databaseUrl", sandbox.catalog.url);
  project.provide("waldenHome", testHome);
  project.provide("sandbox", sandbox);
  // Stopped, not deleted: the next run starts the same servers again in a second or two. In CI
  // (one run on a clean clone) the home is deleted: its backups and restored copies are gigabytes
  // the browser tests that follow need as free disk (a CI machine once ran out mid-e2e).
  return async () => {
    await stopSandbox(options);
    if (process.env.CI) fs.rmSync(testHome, { recursive: true, force: true });
  };
}
