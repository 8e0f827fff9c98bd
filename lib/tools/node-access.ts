import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { NodeConnection } from "@/lib/pg/connection";
import type { SslMode } from "@/lib/pg/tls";
import { passfileLine } from "./passfile";

// What a PostgreSQL program needs to reach a monitored node as Walden does: the password in a
// 0600 passfile, the node's sslmode, and its CA certificate in a file (libpq reads a path, not
// PEM). Both files live in one private folder as long as the program, and no longer.

export interface ProgramTls {
  mode: SslMode;
  rootCertFile?: string;
}

export interface NodeAccess {
  passfile?: string;
  tls?: ProgramTls;
}

/** Writes the node's passfile and CA file into `dir` (which the caller created 0700 and removes). */
export async function writeNodeAccess(dir: string, node: NodeConnection): Promise<NodeAccess> {
  const access: NodeAccess = { tls: { mode: node.tls?.mode ?? "prefer" } };
  if (node.password !== undefined) {
    access.passfile = path.join(dir, "pgpass");
    // "*" for the database: replication connections match the pseudo-database "replication".
    const line = passfileLine({ host: node.host, port: node.port, user: node.user, password: node.password });
    await fs.writeFile(access.passfile, line + "\n", { mode: 0o600 });
  }
  if (node.tls?.rootCert) {
    const rootCertFile = path.join(dir, "root.crt");
    await fs.writeFile(rootCertFile, node.tls.rootCert, { mode: 0o600 });
    access.tls = { mode: node.tls.mode, rootCertFile };
  }
  return access;
}

/** Runs `work` with the node's access files, and always deletes them afterwards. */
export async function withNodeAccess<T>(
  node: NodeConnection,
  work: (access: NodeAccess) => Promise<T>,
): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-access-"));
  try {
    return await work(await writeNodeAccess(dir, node));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * libpq's variables for TLS. PGREQUIREAUTH refuses a cleartext password request (libpq 16 and
 * later read it; older libpq ignores it, so with PostgreSQL 15's programs only node-postgres
 * sessions get that protection).
 */
export function tlsEnvironment(tls: ProgramTls | undefined): NodeJS.Dict<string> {
  if (!tls) return {};
  const env: NodeJS.Dict<string> = { PGSSLMODE: tls.mode, PGREQUIREAUTH: "!password" };
  if (tls.rootCertFile) env.PGSSLROOTCERT = tls.rootCertFile;
  return env;
}
