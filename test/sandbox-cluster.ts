import pg from "pg";
import { inject } from "vitest";
import { runBackup } from "@/lib/backup/run";
import { db } from "@/lib/db";
import { physicalBackupRequestSchema } from "@/lib/schemas/backup";
import { encryptNodePassword } from "@/lib/secrets";

// The sandbox's demo cluster registered under a test's own name, and real backups of it taken
// by the worker's own function (runBackup), for pg tests that need a restorable cluster.

export function sandboxPrimary() {
  const sandbox = inject("sandbox");
  return {
    host: "127.0.0.1",
    port: sandbox.cluster.primary.port,
    user: "walden",
    password: sandbox.cluster.primary.password,
    database: "app",
  };
}

/** Any sandbox server (primary or standby, by port), reached with the primary's credentials. */
export function sandboxNode(port: number) {
  const { primary } = inject("sandbox").cluster;
  return {
    host: primary.host,
    port,
    user: primary.user,
    password: primary.password,
    database: primary.database,
  };
}

export async function withSandboxPrimary<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(sandboxPrimary());
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function registerSandboxCluster(
  name: string,
  options: { archivePath?: string; repositoryPath?: string } = {},
) {
  const primary = sandboxPrimary();
  const cluster = await db().cluster.create({
    data: {
      name,
      archiveMode: "archive_command",
      archivePath: options.archivePath ?? inject("sandbox").cluster.archiveDir,
      repositoryPath: options.repositoryPath ?? null,
    },
  });
  await db().node.create({
    data: {
      clusterId: cluster.id,
      name: "primary",
      role: "primary",
      host: primary.host,
      port: primary.port,
      username: primary.user,
      database: primary.database,
      passwordEncrypted: encryptNodePassword(primary.password),
    },
  });
  return cluster.id;
}

/** A succeeded physical backup of the cluster, or the test fails with the backup's error. */
export async function takePhysicalBackup(clusterId: string): Promise<string> {
  const options = physicalBackupRequestSchema.parse({ clusterId, kind: "physical" });
  const backup = await db().backup.create({
    data: { clusterId, kind: "physical", options, requestedBy: "test" },
  });
  await runBackup(backup.id, "test-worker");
  const done = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
  if (done.status !== "succeeded") throw new Error(`backup failed: ${done.error}`);
  return backup.id;
}
