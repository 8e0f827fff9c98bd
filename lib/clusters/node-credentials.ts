import type { NodeRow } from "@/lib/clusters/queries";
import { appError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { NodeConnectionInput } from "@/lib/schemas/cluster";
import { encryptNodePassword, encryptNodeRootCert } from "@/lib/secrets";

// Stored credentials follow the endpoint (issue 13): a node's password is kept when a form
// leaves it empty only while host, port and user stay the same. Walden never sends a password
// it was given for one server to another one an admin typed later; that needs the password again.

type StoredNode = Pick<
  NodeRow,
  "name" | "host" | "port" | "username" | "passwordEncrypted" | "sslMode" | "sslRootCertEncrypted"
>;
export type NodeData = Omit<Prisma.NodeCreateManyInput, "clusterId">;

/** "db1.example:5432 as walden": how the audit log names an endpoint. */
export function endpointOf(node: { host: string; port: number; username: string }): string {
  return `${node.host}:${node.port} as ${node.username}`;
}

/**
 * The catalog row for a node from what was typed, keeping from `previous` (the node stored under
 * the same name) what was left empty and may be kept. `field` names the node in a 422
 * ("primary", "standbys.0").
 */
export function nodeData(
  name: string,
  role: "primary" | "standby",
  input: NodeConnectionInput,
  field: string,
  previous?: StoredNode,
): NodeData {
  const endpoint = { host: input.host, port: input.port, username: input.user };
  const sameEndpoint = previous !== undefined && endpointOf(previous) === endpointOf(endpoint);
  if (!input.password && previous?.passwordEncrypted && !sameEndpoint) {
    throw appError(
      "unprocessable_entity",
      "clusters.passwordAgain",
      { field, before: endpointOf(previous), after: endpointOf(endpoint) },
      { field: `${field}.password` },
    );
  }
  const sslMode = input.sslmode ?? previous?.sslMode ?? "prefer";
  const rootCertEncrypted = input.sslRootCert
    ? encryptNodeRootCert(input.sslRootCert)
    : sameEndpoint
      ? previous.sslRootCertEncrypted
      : null;
  if ((sslMode === "verify-ca" || sslMode === "verify-full") && !rootCertEncrypted) {
    throw appError(
      "unprocessable_entity",
      "clusters.needsCaCert",
      { field, sslMode },
      { field: `${field}.sslRootCert` },
    );
  }
  return {
    name,
    role,
    ...endpoint,
    database: input.database,
    passwordEncrypted: input.password
      ? encryptNodePassword(input.password)
      : sameEndpoint
        ? previous.passwordEncrypted
        : null,
    sslMode,
    sslRootCertEncrypted: rootCertEncrypted,
  };
}

/** The stored primary with a PATCH's fields over it: a partial edit is checked like a full one. */
export function mergedPrimaryInput(
  stored: NodeRow,
  patch: Partial<NodeConnectionInput>,
): NodeConnectionInput {
  return {
    host: patch.host ?? stored.host,
    port: patch.port ?? stored.port,
    user: patch.user ?? stored.username,
    database: patch.database ?? stored.database,
    password: patch.password,
    sslmode: patch.sslmode,
    sslRootCert: patch.sslRootCert,
  };
}

/** Endpoint changes for the audit log: which node moved from where to where. */
export function endpointChanges(
  before: StoredNode[],
  after: Pick<NodeData, "name" | "host" | "port" | "username">[],
): { node: string; from: string | null; to: string | null }[] {
  const old = new Map(before.map((node) => [node.name, endpointOf(node)]));
  const changes: { node: string; from: string | null; to: string | null }[] = [];
  for (const node of after) {
    const to = endpointOf(node);
    if (old.get(node.name) !== to) changes.push({ node: node.name, from: old.get(node.name) ?? null, to });
    old.delete(node.name);
  }
  for (const [name, from] of old) changes.push({ node: name, from, to: null });
  return changes;
}
