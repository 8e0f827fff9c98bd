import path from "node:path";
import { ensureDefaultRules } from "@/lib/alerts/rules";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { clusterWithNodes, getClusterRowOrThrow, toClusterSummary } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type {
  ClusterCreateInput,
  ClusterSummary,
  ClusterUpdateInput,
  NodeConnectionInput,
  StandbyInput,
} from "@/lib/schemas/cluster";
import { encryptNodePassword } from "@/lib/secrets";

/** Where a cluster's WAL archive lives when the admin does not say. */
export function defaultArchivePath(clusterName: string): string {
  return path.join(env().waldenHome, "archive", clusterName);
}

function nodeData(
  name: string,
  role: "primary" | "standby",
  input: NodeConnectionInput,
): Omit<Prisma.NodeCreateManyInput, "clusterId"> {
  return {
    name,
    role,
    host: input.host,
    port: input.port,
    username: input.user,
    database: input.database,
    passwordEncrypted: input.password ? encryptNodePassword(input.password) : null,
  };
}

async function assertNameFree(name: string, exceptId?: string): Promise<void> {
  const existing = await db().cluster.findUnique({ where: { name } });
  if (existing && existing.id !== exceptId) {
    throw new AppError("conflict", `A cluster named "${name}" is already registered`, { field: "name" });
  }
}

export async function registerCluster(
  actor: Actor,
  input: ClusterCreateInput,
  meta: RequestMeta,
): Promise<ClusterSummary> {
  await assertNameFree(input.name);
  const cluster = await db().cluster.create({
    data: {
      name: input.name,
      archiveMode: input.archive.mode,
      archivePath: input.archive.path ?? defaultArchivePath(input.name),
      sampleIntervalSeconds: input.sampleIntervalSeconds,
      repositoryPath: input.repository?.path ?? null,
      secondaryRepositoryPath: input.repository?.secondaryPath ?? null,
      secondaryOffsite: input.repository?.secondaryOffsite ?? false,
      nodes: {
        create: [
          nodeData("primary", "primary", input.primary),
          ...input.standbys.map((standby) => nodeData(standby.name, "standby", standby)),
        ],
      },
    },
    include: clusterWithNodes,
  });
  await ensureDefaultRules(cluster.id);
  await audit(
    actor,
    {
      action: "cluster.create",
      outcome: "success",
      target: { type: "cluster", id: cluster.id },
      details: { input },
    },
    meta,
  );
  return toClusterSummary(cluster);
}

/** A standby given without a password keeps the one stored under the same name. */
function standbyData(standby: StandbyInput, previous: Map<string, string | null>) {
  const data = nodeData(standby.name, "standby", standby);
  if (!standby.password) data.passwordEncrypted = previous.get(standby.name) ?? null;
  return data;
}

export async function updateCluster(
  actor: Actor,
  id: string,
  input: ClusterUpdateInput,
  meta: RequestMeta,
): Promise<ClusterSummary> {
  const current = await getClusterRowOrThrow(id);
  if (input.name) await assertNameFree(input.name, id);
  const primary = current.nodes.find((node) => node.role === "primary");
  const previousPasswords = new Map(current.nodes.map((node) => [node.name, node.passwordEncrypted]));

  await db().$transaction(async (tx) => {
    await tx.cluster.update({
      where: { id },
      data: {
        name: input.name,
        archiveMode: input.archive?.mode,
        archivePath: input.archive
          ? (input.archive.path ?? defaultArchivePath(input.name ?? current.name))
          : undefined,
        sampleIntervalSeconds: input.sampleIntervalSeconds,
        repositoryPath: input.repository?.path,
        secondaryRepositoryPath: input.repository?.secondaryPath,
        secondaryOffsite: input.repository?.secondaryOffsite,
      },
    });
    if (input.primary && primary) {
      const { host, port, user, database, password } = input.primary;
      await tx.node.update({
        where: { id: primary.id },
        data: {
          host,
          port,
          username: user,
          database,
          passwordEncrypted: password ? encryptNodePassword(password) : undefined,
        },
      });
    }
    if (input.standbys) {
      await tx.node.deleteMany({ where: { clusterId: id, role: "standby" } });
      await tx.node.createMany({
        data: input.standbys.map((standby) => ({
          clusterId: id,
          ...standbyData(standby, previousPasswords),
        })),
      });
    }
  });
  await audit(
    actor,
    { action: "cluster.update", outcome: "success", target: { type: "cluster", id }, details: { input } },
    meta,
  );
  return toClusterSummary(await getClusterRowOrThrow(id));
}

/** Removes the registration only (never touches the servers). The caller must type the cluster's name. */
export async function deleteCluster(
  actor: Actor,
  id: string,
  confirmName: string | null,
  meta: RequestMeta,
): Promise<void> {
  const cluster = await getClusterRowOrThrow(id);
  if (confirmName !== cluster.name) {
    await audit(
      actor,
      {
        action: "cluster.delete",
        outcome: "denied",
        target: { type: "cluster", id },
        details: { reason: "confirmation did not match" },
      },
      meta,
    );
    throw new AppError(
      "unprocessable_entity",
      `Type the cluster's name to confirm: pass ?confirm=${cluster.name}`,
      {
        field: "confirm",
      },
    );
  }
  await db().cluster.delete({ where: { id } });
  await audit(
    actor,
    {
      action: "cluster.delete",
      outcome: "success",
      target: { type: "cluster", id },
      details: { name: cluster.name },
    },
    meta,
  );
}
