import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as clusterCheckRoute from "@/app/api/v1/clusters/[id]/config-check/route";
import * as settingsCheckRoute from "@/app/api/v1/clusters/config-check/route";
import { db } from "@/lib/db";
import type { ConfigCheck, NodeConfigResult } from "@/lib/schemas/config-check";
import { buildArchiveCommand } from "@/lib/tools/archive-command";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster, sandboxPrimary } from "@/test/sandbox-cluster";
import { startSourceCluster, type SourceCluster } from "@/test/source-cluster";

// The configuration check (issue 16) against real servers: a throwaway instance started with
// archiving off and wal_level minimal lists those failures with the statements that fix them;
// the sandbox primary, set up as Walden wants, passes every check.

const run = Date.now().toString(36);
const PORT = 28500;
let bare: SourceCluster;
let admin: TestUser;
let operator: TestUser;

beforeAll(async () => {
  admin = await makeUser("admin");
  operator = await makeUser("operator");
  bare = await startSourceCluster({
    name: `config-bare-${run}`,
    root: path.join(inject("waldenHome"), `config-check-${run}`),
    port: PORT,
    settings: { wal_level: "minimal", archive_mode: "off", max_wal_senders: 0, archive_timeout: 0 },
  });
  await bare.query(`create role plain login password 'plain-password'`);
}, 120_000);

afterAll(async () => {
  await bare?.remove();
});

const byId = (checks: ConfigCheck[]) => Object.fromEntries(checks.map((check) => [check.id, check]));

async function checkCluster(clusterId: string): Promise<NodeConfigResult[]> {
  const response = await call(clusterCheckRoute.GET, "GET", `/api/v1/clusters/${clusterId}/config-check`, {
    token: operator.token,
    params: { id: clusterId },
  });
  expect(response.status, response.text).toBe(200);
  return response.json.nodes;
}

describe("configuration check", () => {
  it("lists wal_level, archive_mode, archive_timeout and max_wal_senders on a bare server, with their fixes", async () => {
    const [node] = await checkCluster(bare.clusterId!);
    if (!node?.ok) throw new Error(`node not checked: ${JSON.stringify(node)}`);
    const checks = byId(node.report.checks);
    expect(checks.wal_level).toMatchObject({ status: "fail", found: "minimal" });
    expect(checks.wal_level!.fix).toMatch(/^ALTER SYSTEM SET wal_level = 'replica';\n-- restart needed/);
    expect(checks.archive_mode).toMatchObject({ status: "fail", found: "off" });
    expect(checks.archive_mode!.fix).toMatch(/^ALTER SYSTEM SET archive_mode = 'on';\n-- restart needed/);
    expect(checks.max_wal_senders).toMatchObject({ status: "fail", found: "0" });
    expect(checks.max_wal_senders!.fix).toMatch(/^ALTER SYSTEM SET max_wal_senders = 10;/);
    expect(checks.archive_timeout).toMatchObject({ status: "warn" });
    expect(checks.archive_timeout!.fix).toBe(
      "ALTER SYSTEM SET archive_timeout = '60s';\nSELECT pg_reload_conf();",
    );
    // With archive_mode off the server shows archive_command as "(disabled)": said so, with the command to set.
    expect(checks.archive_command).toMatchObject({ status: "warn" });
    expect(checks.archive_command!.found).toMatch(/archive_mode is off/);
    expect(checks.archive_command!.fix).toContain(buildArchiveCommand(bare.archiveDir).replaceAll("'", "''"));
    // What is right on it is said so: its pg_hba has "host replication all 127.0.0.1/32", its role is a superuser.
    expect(checks.pg_hba_replication).toMatchObject({ status: "ok" });
    expect(checks.pg_hba_replication!.found).toMatch(/replication all 127\.0\.0\.1/);
    expect(checks.role_privileges).toMatchObject({ status: "ok", found: "superuser" });
  });

  it("the fixes work: applied as printed and restarted, the bare server passes", async () => {
    const [before] = await checkCluster(bare.clusterId!);
    if (!before?.ok) throw new Error("node not checked");
    for (const check of before.report.checks.filter((item) => item.fix)) {
      for (const statement of check.fix!.split("\n").filter((line) => /^(ALTER|SELECT)/.test(line)))
        await bare.query(statement);
    }
    await bare.stop();
    await bare.start();
    const [after] = await checkCluster(bare.clusterId!);
    if (!after?.ok) throw new Error("node not checked");
    expect(after.report.checks.map((check) => [check.id, check.status])).toEqual(
      after.report.checks.map((check) => [check.id, "ok"]),
    );
  }, 120_000);

  it("the register form's check: a role without privileges is told what to grant and what it cannot see", async () => {
    const response = await call(settingsCheckRoute.POST, "POST", "/api/v1/clusters/config-check", {
      token: admin.token,
      body: {
        node: {
          host: "127.0.0.1",
          port: PORT,
          user: "plain",
          password: "plain-password",
          database: "postgres",
        },
        archive: { mode: "archive_command", path: bare.archiveDir },
      },
    });
    expect(response.status, response.text).toBe(200);
    const checks = byId(response.json.checks);
    expect(checks.role_privileges).toMatchObject({
      status: "fail",
      fix: `ALTER ROLE "plain" REPLICATION;\nGRANT pg_monitor TO "plain";`,
    });
    expect(checks.pg_hba_replication).toMatchObject({ status: "warn" });
    expect(checks.pg_hba_replication!.found).toMatch(/not readable by role "plain"/);
    // archive_command itself is readable by any role (archive_library too): only compared.
    expect(checks.archive_command).toMatchObject({ status: "ok" });
    const audited = await db().auditEvent.findFirst({
      where: { action: "cluster.config_check", actorId: admin.id },
      orderBy: { at: "desc" },
    });
    expect(audited?.outcome).toBe("success");
  });

  it("the register form's check names a wrong archive folder with Walden's own archive_command", async () => {
    const elsewhere = path.join(inject("waldenHome"), `elsewhere-${run}`);
    const response = await call(settingsCheckRoute.POST, "POST", "/api/v1/clusters/config-check", {
      token: admin.token,
      body: { node: sandboxPrimary(), archive: { mode: "archive_command", path: elsewhere } },
    });
    expect(response.status, response.text).toBe(200);
    const check = byId(response.json.checks).archive_command!;
    expect(check.status).toBe("fail");
    expect(check.fix).toContain(buildArchiveCommand(elsewhere).replaceAll("'", "''"));
  });

  it("refuses unknown fields with a 422", async () => {
    const response = await call(settingsCheckRoute.POST, "POST", "/api/v1/clusters/config-check", {
      token: admin.token,
      body: { node: { ...sandboxPrimary(), options: "-c x=y" } },
    });
    expect(response.status).toBe(422);
  });

  it("the sandbox primary passes every check", async () => {
    const clusterId = await registerSandboxCluster(`config-sandbox-${run}`);
    const [node] = await checkCluster(clusterId);
    if (!node?.ok) throw new Error(`node not checked: ${JSON.stringify(node)}`);
    expect(node.report.checks.map((check) => [check.id, check.status])).toEqual(
      node.report.checks.map((check) => [check.id, "ok"]),
    );
    expect(node.report.checks).toHaveLength(7);
  });
});
