import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import * as clusterRoute from "@/app/api/v1/clusters/[id]/route";
import * as storedTestRoute from "@/app/api/v1/clusters/[id]/test-connection/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as testConnectionRoute from "@/app/api/v1/clusters/test-connection/route";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { CLEARTEXT_REFUSED, withNodeClient, type NodeConnection } from "@/lib/pg/connection";
import { probeNode } from "@/lib/pg/probe";
import { encryptNodeRootCert } from "@/lib/secrets";
import { call, makeUser } from "@/test/api-client";
import {
  registerSandboxCluster,
  sandboxPrimary,
  takePhysicalBackup,
  withSandboxPrimary,
} from "@/test/sandbox-cluster";

// Issue 13, TLS to monitored servers: a real handshake with the sandbox primary, whose
// certificate comes from the CA the sandbox made at start (lib/sandbox/tls.ts).

let sandboxCa: string;
let strangerCa: string;

/** A CA that signed nothing the sandbox serves. */
function makeStrangerCa(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "walden-stranger-ca-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      path.join(dir, "ca.key"),
      "-out",
      path.join(dir, "ca.crt"),
      "-days",
      "2",
      "-subj",
      "/CN=Someone else's CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
    ],
    { stdio: "ignore" },
  );
  return readFileSync(path.join(dir, "ca.crt"), "utf8");
}

const primary = (tls: NodeConnection["tls"]): NodeConnection => ({ ...sandboxPrimary(), tls });

async function sessionUsesTls(node: NodeConnection): Promise<boolean> {
  return withNodeClient(node, async (client) => {
    const { rows } = await client.query<{ ssl: boolean }>(
      "select ssl from pg_stat_ssl where pid = pg_backend_pid()",
    );
    return rows[0]!.ssl;
  });
}

async function probeError(node: NodeConnection): Promise<AppError> {
  const error = await probeNode(node).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeAll(() => {
  sandboxCa = readFileSync(inject("sandbox").tls.caCertFile, "utf8");
  strangerCa = makeStrangerCa();
});

describe("TLS to a monitored server", () => {
  it("verifies the server's certificate and name with verify-full, over a real TLS session", async () => {
    expect(await sessionUsesTls(primary({ mode: "verify-full", rootCert: sandboxCa }))).toBe(true);
    expect(await sessionUsesTls(primary({ mode: "verify-ca", rootCert: sandboxCa }))).toBe(true);
    expect(await sessionUsesTls(primary({ mode: "require" }))).toBe(true);
    expect(await sessionUsesTls(primary({ mode: "prefer" }))).toBe(true);
    expect(await sessionUsesTls(primary({ mode: "disable" }))).toBe(false);
  });

  it("refuses a server whose certificate another CA signed, saying so", async () => {
    const error = await probeError(primary({ mode: "verify-full", rootCert: strangerCa }));
    expect(error.code).toBe("unprocessable_entity");
    expect(error.message).toMatch(/not signed by the CA certificate given for this node/);
    expect(error.details).toEqual({ field: "sslmode" });
  });

  it("falls back to a plain session under prefer, and refuses one under require, on a server without TLS", async () => {
    const { catalog } = inject("sandbox");
    const plainServer = (mode: "prefer" | "require"): NodeConnection => ({
      host: catalog.host,
      port: catalog.port,
      user: catalog.user,
      password: catalog.password,
      database: catalog.database,
      tls: { mode },
    });
    expect(await sessionUsesTls(plainServer("prefer"))).toBe(false);
    const error = await probeError(plainServer("require"));
    expect(error.message).toMatch(/does not accept TLS connections, but this node's sslmode is require/);
  });
});

describe("password authentication", () => {
  it("never sends a password in cleartext, even when the server asks for it", async () => {
    await withSandboxPrimary((client) =>
      client.query(
        "do $$ begin create role walden_cleartext login password 'cleartext-test'; exception when duplicate_object then null; end $$",
      ),
    );
    const asked = {
      ...sandboxPrimary(),
      user: "walden_cleartext",
      password: "cleartext-test",
      tls: { mode: "disable" as const },
    };
    const error = await probeError(asked);
    expect(error.message).toContain(CLEARTEXT_REFUSED);
    expect(error.details).toEqual({ field: "password" });
  });
});

describe("nodes registered with TLS settings", () => {
  it("tests and registers a node with verify-full and its CA, and never returns the CA", async () => {
    const admin = await makeUser("admin", "tls-admin");
    const node = { ...sandboxPrimary(), sslmode: "verify-full", sslRootCert: sandboxCa };
    const tested = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      token: admin.token,
      body: node,
    });
    expect(tested.status).toBe(200);
    const refused = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      token: admin.token,
      body: { ...node, sslRootCert: strangerCa },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error.details.issues[0].path).toBe("sslmode");
    const missingCa = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      token: admin.token,
      body: { ...node, sslRootCert: undefined },
    });
    expect(missingCa.status).toBe(422);
    expect(missingCa.json.error.details.issues[0].path).toBe("sslRootCert");

    const name = `tls-${Date.now().toString(36)}`;
    const created = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: admin.token,
      body: {
        name,
        primary: node,
        archive: { mode: "archive_command", path: path.join(inject("waldenHome"), "archive", name) },
      },
    });
    expect(created.status).toBe(201);
    expect(created.json.primary).toMatchObject({
      sslmode: "verify-full",
      hasSslRootCert: true,
      hasPassword: true,
    });
    expect(created.text).not.toContain("BEGIN CERTIFICATE");
    const stored = await call(
      storedTestRoute.POST,
      "POST",
      `/api/v1/clusters/${created.json.id}/test-connection`,
      {
        token: admin.token,
        params: { id: created.json.id },
      },
    );
    expect(stored.status).toBe(200);
    expect(stored.json.nodes[0]).toMatchObject({ ok: true });
  });
});

describe("stored credentials follow the endpoint", () => {
  it("refuses a new host, port or user without the password again, and audits old and new endpoints", async () => {
    const admin = await makeUser("admin", "endpoint-admin");
    const name = `endpoint-${Date.now().toString(36)}`;
    const created = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: admin.token,
      body: {
        name,
        primary: sandboxPrimary(),
        archive: { mode: "archive_command", path: path.join(inject("waldenHome"), "archive", name) },
      },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const patch = (primary: Record<string, unknown>) =>
      call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${id}`, {
        token: admin.token,
        params: { id },
        body: { primary },
      });

    for (const moved of [{ host: "db.attacker.example" }, { port: 6543 }, { user: "someone_else" }]) {
      const refused = await patch(moved);
      expect(refused.status).toBe(422);
      expect(refused.json.error.details.issues[0].path).toBe("primary.password");
      expect(refused.json.error.message).toMatch(/give the password again/);
    }
    // Nothing was written by the refusals.
    const row = await db().node.findFirstOrThrow({ where: { clusterId: id, role: "primary" } });
    expect([row.host, row.port, row.username]).toEqual(["127.0.0.1", sandboxPrimary().port, "walden"]);

    // Same endpoint, another database: the stored password stays.
    expect((await patch({ database: "postgres" })).status).toBe(200);
    expect((await db().node.findFirstOrThrow({ where: { id: row.id } })).passwordEncrypted).toBe(
      row.passwordEncrypted,
    );

    // A new port with its password: accepted, and the audit says from where to where.
    const moved = await patch({ port: 6543, password: "a-new-password" });
    expect(moved.status).toBe(200);
    const event = await db().auditEvent.findFirstOrThrow({
      where: { action: "cluster.update", targetId: id, outcome: "success" },
      orderBy: { id: "desc" },
    });
    expect((event.details as { endpoints?: unknown }).endpoints).toEqual([
      {
        node: "primary",
        from: `127.0.0.1:${sandboxPrimary().port} as walden`,
        to: "127.0.0.1:6543 as walden",
      },
    ]);
    expect(JSON.stringify(event.details)).not.toContain("a-new-password");
  });
});

describe("programs reach a TLS node with its sslmode and CA", () => {
  it("runs pg_basebackup over TLS with verify-full, and refuses a server another CA signed", async () => {
    const name = `tls-programs-${Date.now().toString(36)}`;
    const clusterId = await registerSandboxCluster(name, {
      archivePath: inject("sandbox").cluster.archiveDir,
    });
    const setCa = (pem: string) =>
      db().node.updateMany({
        where: { clusterId },
        data: { sslMode: "verify-full", sslRootCertEncrypted: encryptNodeRootCert(pem) },
      });

    await setCa(strangerCa);
    const refused = await takePhysicalBackup(clusterId).then(
      () => "succeeded",
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/verify the first certificate|not signed by the CA/);

    // The server logs each connection with its TLS state: the base backup's own replication
    // connection (named after the backup) must say "SSL enabled".
    await withSandboxPrimary(async (client) => {
      await client.query("alter system set log_connections = on");
      await client.query("select pg_reload_conf()");
    });
    try {
      await setCa(sandboxCa);
      const backupId = await takePhysicalBackup(clusterId);
      const log = readFileSync(path.join(inject("sandbox").home, "logs", "primary.log"), "utf8");
      const lines = log.split("\n").filter((line) => line.includes(`walden-backup-${backupId}`));
      expect(lines.some((line) => /connection authorized/.test(line))).toBe(true);
      expect(
        lines.filter((line) => /connection authorized/.test(line)).every((line) => /SSL enabled/.test(line)),
      ).toBe(true);
    } finally {
      await withSandboxPrimary(async (client) => {
        await client.query("alter system reset log_connections");
        await client.query("select pg_reload_conf()");
      });
    }
  });
});
