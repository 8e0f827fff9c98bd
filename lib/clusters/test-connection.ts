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

/** Probes all nodes at once; one unreachable node does not hide the others' results. */
export async function testRegisteredCluster(clusterId: string): Promise<{ nodes: NodeTestResult[] }> {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  const nodes = await Promise.all(
    cluster.nodes.map(async (node): Promise<NodeTestResult> => {
      try {
        const report = await probeNode(nodeConnection(node));
        return {
          name: node.name,
          role: node.role,
          ok: true,
          report: { ...report, warnings: [...expectedRoleWarning(node, report), ...report.warnings] },
        };
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
    }),
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
