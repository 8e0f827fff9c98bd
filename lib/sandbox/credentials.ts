import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { dataDir, SERVER_NAMES, type Context } from "./context";
import { SandboxError } from "./errors";

// The roles' passwords: generated once, kept in the home, re-applied to the servers on each start.

const CredentialsSchema = z.object({
  basePort: z.number().int(),
  catalogPassword: z.string().min(16),
  primaryPassword: z.string().min(16),
  replicatorPassword: z.string().min(16),
});
export type Credentials = z.infer<typeof CredentialsSchema>;

/** Passwords are generated once and reused; the servers are re-synced to this file on each start. */
export async function loadOrCreateCredentials(ctx: Context): Promise<Credentials> {
  const file = ctx.layout.credentialsFile;
  const existing = await readCredentials(file);
  if (existing && existing.basePort !== ctx.opts.basePort && anyDataDirExists(ctx)) {
    throw new SandboxError(
      `${ctx.layout.home} was created with WALDEN_PG_PORT=${existing.basePort}, not ${ctx.opts.basePort}. ` +
        `Use WALDEN_PG_PORT=${existing.basePort}, or a different WALDEN_HOME.`,
    );
  }
  const credentials: Credentials = {
    basePort: ctx.opts.basePort,
    catalogPassword: existing?.catalogPassword ?? newPassword(),
    primaryPassword: existing?.primaryPassword ?? newPassword(),
    replicatorPassword: existing?.replicatorPassword ?? newPassword(),
  };
  if (JSON.stringify(credentials) !== JSON.stringify(existing)) {
    const temp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    await fs.rename(temp, file);
  }
  return credentials;
}

async function readCredentials(file: string): Promise<Credentials | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    return CredentialsSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new SandboxError(
      `${file} is damaged (${(error as Error).message}). Delete it: new passwords are generated and applied on the next start.`,
    );
  }
}

function anyDataDirExists(ctx: Context): boolean {
  return SERVER_NAMES.some((name) => existsSync(path.join(dataDir(ctx, name), "PG_VERSION")));
}

// URL- and conninfo-safe, 192 bits.
function newPassword(): string {
  return randomBytes(24).toString("base64url");
}
