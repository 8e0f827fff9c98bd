import type { ConnectionOptions } from "node:tls";
import type { SslMode } from "@/lib/schemas/cluster";

// TLS to a monitored server, by libpq's sslmode names, for node-postgres (this file) and for
// PostgreSQL's programs (lib/tools/node-access.ts sets PGSSLMODE / PGSSLROOTCERT).

export type { SslMode };

export interface NodeTls {
  mode: SslMode;
  /** PEM of the CA that signed the server's certificate; verify-ca and verify-full need it. */
  rootCert?: string;
}

/**
 * node-postgres's `ssl` for a mode. "prefer" is TLS without verification first; the caller falls
 * back to a plain connection only when the server says it has no TLS (connectClient).
 * verify-ca checks the chain but not the name; verify-full checks both, as libpq does.
 */
export function nodePostgresSsl(host: string, tls: NodeTls | undefined): false | ConnectionOptions {
  const mode = tls?.mode ?? "prefer";
  if (mode === "disable") return false;
  if (mode === "prefer" || mode === "require") return { rejectUnauthorized: false };
  const verified: ConnectionOptions = {
    rejectUnauthorized: true,
    ca: tls?.rootCert,
    servername: sniName(host),
  };
  if (mode === "verify-ca") verified.checkServerIdentity = () => undefined;
  return verified;
}

/** TLS's server name indication must be a host name, never an IP address. */
function sniName(host: string): string | undefined {
  return /^[\d.]+$/.test(host) || host.includes(":") ? undefined : host;
}

/** What node-postgres or OpenSSL said, in words that tell a DBA what to fix. */
export function describeTlsError(error: Error, tls: NodeTls | undefined): string | undefined {
  const code = (error as { code?: unknown }).code;
  const mode = tls?.mode ?? "prefer";
  if (error.message === "The server does not support SSL connections")
    return `The server does not accept TLS connections, but this node's sslmode is ${mode}: turn ssl on in the server, or choose sslmode prefer or disable`;
  if (
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "SELF_SIGNED_CERT_IN_CHAIN" ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" ||
    code === "CERT_SIGNATURE_FAILURE"
  )
    return `The server's certificate is not signed by the CA certificate given for this node (${String(code)}): paste the CA that signed the server's certificate`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return `The server's certificate does not name this host (sslmode verify-full): connect by a name the certificate lists, or use verify-ca`;
  if (code === "CERT_HAS_EXPIRED") return "The server's certificate has expired";
  return undefined;
}
