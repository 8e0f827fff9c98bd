import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { AppError } from "@/lib/errors";
import { CLEARTEXT_REFUSED, withNodeClient, type NodeConnection } from "@/lib/pg/connection";
import { probeNode } from "@/lib/pg/probe";
import { sandboxPrimary, withSandboxPrimary } from "@/test/sandbox-cluster";

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
