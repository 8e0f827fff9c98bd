import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { getActiveClusterRowOrThrow, type NodeRow } from "@/lib/clusters/queries";
import { AppError, toErrorBody } from "@/lib/errors";
import type { NodeConnection } from "@/lib/pg/connection";
import { probeNode } from "@/lib/pg/probe";
import {
  sslModeSchema,
  type ConnectionReport,
  type NodeConnectionInput,
  type NodeTestResult,
} from "@/lib/schemas/cluster";
import { decryptNodePassword, decryptNodeRootCert } from "@/lib/secrets";

/** What a form or script typed for a node, as the connection layer takes it. */
export function connectionFromInput(input: NodeConnectionInput): NodeConnection {
  const { sslmode, sslRootCert, ...endpoint } = input;
  return { ...endpoint, tls: { mode: sslmode ?? "prefer", rootCert: sslRootCert || undefined } };
}

/** The connection settings of a registered node, password decrypted: server-side only. */
export function nodeConnection(node: NodeRow): NodeConnection {
  return {
    host: node.host,
    port: node.port,
    user: node.username,
    database: node.database,
    password: node.passwordEncrypted ? decryptNodePassword(node.passwordEncrypted) : undefined,
    tls: {
      mode: sslModeSchema.parse(node.sslMode),
      rootCert: node.sslRootCertEncrypted ? decryptNodeRootCert(node.sslRootCertEncrypted) : undefined,
    },
  };
}

// The registered role is a preference (Walden follows the writable node), so a difference is
// news, not an error: after a failover or switchover it is expected.
function expectedRoleWarning(node: NodeRow, report: ConnectionReport): string[] {
  return report.role === node.role
    ? []
    : [
        `Registered as ${node.role}, now a ${report.role}: expected after a failover or switchover ` +
          `(Walden follows the writable node); if this node should not be ${report.role === "primary" ? "writable" : "a standby"}, check your HA manager.`,
      ];
}

/**
 * One registered node's answer to `ask`, or the error it gave in the API's shape, so that one
 * unreachable node does not hide the others' results (connection test and configuration check).
 */
export async function perNodeResult<R>(
  node: NodeRow,
  ask: () => Promise<R>,
): Promise<
  | { name: string; role: NodeRow["role"]; ok: true; report: R }
  | { name: string; role: NodeRow["role"]; ok: false; error: { code: string; message: string } }
> {
  try {
    return { name: node.name, role: node.role, ok: true, report: await ask() };
  } catch (error) {
    const { body } = toErrorBody(
      error instanceof AppError ? error : new AppError("upstream_unavailable", String(error)),
    );
    return {
      name: node.name,
      role: node.role,
      ok: false,
      error: { code: body.error.code, message: body.error.message },
    };
  }
}

/** Probes all nodes at once; one unreachable node does not hide the others' results. */
export async function testRegisteredCluster(clusterId: string): Promise<{ nodes: NodeTestResult[] }> {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  const nodes = await Promise.all(
    cluster.nodes.map((node): Promise<NodeTestResult> =>
      perNodeResult(node, async () => {
        const report = await probeNode(nodeConnection(node));
        return { ...report, warnings: [...expectedRoleWarning(node, report), ...report.warnings] };
      }),
    ),
  );
  return { nodes };
}

/** Tries settings before they are registered (it dials out, so each try is audited either way). */
export async function testConnectionSettings(
  actor: Actor,
  input: NodeConnectionInput,
  meta: RequestMeta,
): Promise<ConnectionReport> {
  const target = { type: "host", id: `${input.host}:${input.port}` };
  try {
    const report = await probeNode(connectionFromInput(input));
    await audit(actor, { action: "cluster.test_connection", outcome: "success", target }, meta);
    return report;
  } catch (error) {
    await audit(
      actor,
      { action: "cluster.test_connection", outcome: "failed", target, details: { error: String(error) } },
      meta,
    );
    throw error;
  }
}
