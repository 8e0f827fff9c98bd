import { existsSync, readFileSync, writeFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { runToolSyncOrThrow } from "@/lib/tools/run-sync";
import { dataDir, type Context } from "./context";
import { appendOwnedFile, writeOwnedFile } from "./home";
import { runPgProgramOrThrow } from "./programs";
import { serverState } from "./servers";

// The primary speaks TLS with a certificate from a CA the sandbox makes at its first start, so
// tests and the demo use a real handshake (sslmode verify-full against 127.0.0.1). Standbys
// copied from it with pg_basebackup carry the same certificate, which names 127.0.0.1 too.

export interface SandboxTls {
  /** PEM of the sandbox's CA: what a node's "CA certificate" field takes for verify-ca/full. */
  caCertFile: string;
}

const TLS_MARKER = "ssl = on";

function openssl(args: string[]): void {
  runToolSyncOrThrow("openssl", args, 30_000);
}

/** A CA and a server certificate for 127.0.0.1 and localhost, made once per sandbox home. */
function ensureCertificates(dir: string): void {
  const file = (name: string) => path.join(dir, name);
  if (existsSync(file("server.crt"))) return;
  const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl([
    "req",
    "-x509",
    ...ecKey,
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.crt"),
    "-days",
    "3650",
    "-subj",
    "/CN=Walden sandbox CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  openssl([
    "req",
    "-new",
    ...ecKey,
    "-keyout",
    file("server.key"),
    "-out",
    file("server.csr"),
    "-subj",
    "/CN=localhost",
  ]);
  const extensions = file("server.ext");
  writeFileSync(
    extensions,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  openssl([
    "x509",
    "-req",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.crt"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-out",
    file("server.crt"),
    "-days",
    "3650",
    "-extfile",
    extensions,
  ]);
}

/**
 * Gives the primary its certificate and `ssl = on` (idempotent: an older sandbox gains TLS at
 * its next start; a running server reloads, which is enough for ssl settings).
 */
export async function ensurePrimaryTls(ctx: Context): Promise<SandboxTls> {
  const dir = path.join(ctx.layout.home, "tls");
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  ensureCertificates(dir);
  const primaryDir = dataDir(ctx, "primary");
  const config = path.join(primaryDir, "postgresql.conf");
  if (!readFileSync(config, "utf8").includes(TLS_MARKER)) {
    await writeOwnedFile(
      ctx,
      path.join(primaryDir, "server.crt"),
      readFileSync(path.join(dir, "server.crt"), "utf8"),
      0o644,
    );
    await writeOwnedFile(
      ctx,
      path.join(primaryDir, "server.key"),
      readFileSync(path.join(dir, "server.key"), "utf8"),
      0o600,
    );
    await appendOwnedFile(
      ctx,
      config,
      `\n# Walden sandbox: TLS (certificate from ${dir}/ca.crt)\n${TLS_MARKER}\n`,
    );
    if ((await serverState(ctx, "primary")) === "running")
      await runPgProgramOrThrow(ctx, "pg_ctl", ["reload", "-D", primaryDir]);
  }
  return { caCertFile: path.join(dir, "ca.crt") };
}
