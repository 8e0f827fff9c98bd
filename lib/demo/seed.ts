import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { audit } from "@/lib/auth/audit";
import { systemActor } from "@/lib/auth/system-actor";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/roles";
import { generateApiToken } from "@/lib/auth/tokens";
import { sha256Hex } from "@/lib/crypto";
import { registerCluster, updateCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import type { SandboxInfo } from "@/lib/sandbox";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import { backupRequestSchema } from "@/lib/schemas/backup";
import { requestBackup } from "@/lib/backup/mutations";

// Seeds the demo: one user per role with an API token each, and the sandbox cluster.
// Credentials are generated once and kept in WALDEN_HOME/demo-credentials.json (0600),
// so a restarted demo keeps the same logins and tokens.

export interface DemoUser {
  email: string;
  password: string;
  role: Role;
  token: string;
}

const demoRoles: Role[] = ["admin", "operator", "viewer"];
const seedActor = systemActor("demo seed");

async function readCredentials(file: string): Promise<DemoUser[] | null> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as DemoUser[];
  } catch {
    return null;
  }
}

function newCredentials(): DemoUser[] {
  return demoRoles.map((role) => ({
    email: `${role}@walden.local`,
    password: randomBytes(12).toString("base64url"),
    role,
    token: generateApiToken().token,
  }));
}

/** Makes sure each demo user exists with its password and token; returns the logins. */
export async function seedDemoUsers(home: string): Promise<DemoUser[]> {
  const file = path.join(home, "demo-credentials.json");
  const users = (await readCredentials(file)) ?? newCredentials();
  await fs.writeFile(file, JSON.stringify(users, null, 2), { mode: 0o600 });

  for (const demo of users) {
    const existing = await db().user.findUnique({ where: { email: demo.email } });
    const user = existing
      ? (await verifyPassword(demo.password, existing.passwordHash))
        ? existing
        : await db().user.update({
            where: { id: existing.id },
            data: { passwordHash: await hashPassword(demo.password), disabledAt: null },
          })
      : await db().user.create({
          data: { email: demo.email, role: demo.role, passwordHash: await hashPassword(demo.password) },
        });
    const tokenHash = sha256Hex(demo.token);
    if (!(await db().apiToken.findUnique({ where: { tokenHash } }))) {
      await db().apiToken.create({
        data: { name: "demo", prefix: demo.token.slice(0, 10), tokenHash, userId: user.id, role: demo.role },
      });
    }
    if (!existing) {
      await audit(seedActor, {
        action: "user.create",
        outcome: "success",
        target: { type: "user", id: user.id },
        details: { email: demo.email, role: demo.role },
      });
    }
  }
  return users;
}

/** Registers (or refreshes the settings of) the sandbox's demo cluster; returns its id. */
export async function seedDemoCluster(sandbox: SandboxInfo): Promise<string> {
  const { cluster } = sandbox;
  const connection = (port: number) => ({
    host: cluster.primary.host,
    port,
    user: cluster.primary.user,
    password: cluster.primary.password,
    database: cluster.primary.database,
  });
  const input = {
    primary: connection(cluster.primary.port),
    standbys: cluster.standbys.map((standby) => ({ name: standby.name, ...connection(standby.port) })),
    archive: { mode: "archive_command" as const, path: cluster.archiveDir },
  };
  const existing = await db().cluster.findUnique({ where: { name: cluster.name } });
  if (existing) return (await updateCluster(seedActor, existing.id, input, {})).id;
  return (await registerCluster(seedActor, clusterCreateSchema.parse({ name: cluster.name, ...input }), {}))
    .id;
}

/** The demo starts with one physical backup, so the restorable window has a beginning. */
export async function seedFirstBackup(clusterId: string): Promise<string | null> {
  const existing = await db().backup.findFirst({
    where: { clusterId, kind: "physical", status: { in: ["queued", "running", "succeeded"] } },
  });
  if (existing) return null;
  const { id } = await requestBackup(
    seedActor,
    backupRequestSchema.parse({ clusterId, kind: "physical", label: "first demo backup" }),
    {},
  );
  return id;
}
