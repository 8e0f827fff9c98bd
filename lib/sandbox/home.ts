import fs from "node:fs/promises";
import path from "node:path";
import { passfileLine, type PassfileEntry } from "@/lib/tools/passfile";
import { HOST, port, type Context } from "./context";
import type { Credentials } from "./credentials";
import { SandboxError } from "./errors";

// The sandbox's home and its folders, owned by the server's OS user.

// sun_path is 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH = 107;

export async function prepareHome(ctx: Context): Promise<void> {
  const { home, runDir } = ctx.layout;
  if (/["\n\r\0]/.test(home)) {
    throw new SandboxError(
      `WALDEN_HOME ${JSON.stringify(home)} contains a quote, newline or NUL; choose a plainer path.`,
    );
  }
  const socketPath = path.join(runDir, `.s.PGSQL.${port(ctx, "standby2")}`);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new SandboxError(
      `WALDEN_HOME ${home} is too deep: the socket path ${socketPath} exceeds ${MAX_SOCKET_PATH} bytes. Use a shorter WALDEN_HOME.`,
    );
  }
  await fs.mkdir(home, { recursive: true });
  if (ctx.user.viaRunuser) await makeTraversableForOsUser(ctx, home);
}

/** The postgres user must walk from / down to its data directories. */
async function makeTraversableForOsUser(ctx: Context, home: string): Promise<void> {
  const homeStat = await fs.stat(home);
  // mkdtemp makes 0700 homes; opening up our own home is expected, a parent is not ours to change.
  if ((homeStat.mode & 0o005) !== 0o005) await fs.chmod(home, 0o755);
  for (let dir = path.dirname(home); ; dir = path.dirname(dir)) {
    const { mode } = await fs.stat(dir);
    if ((mode & 0o001) === 0) {
      throw new SandboxError(
        `The ${ctx.user.name} OS user cannot reach ${home}: ${dir} is not traversable (mode ${(mode & 0o777).toString(8)}). ` +
          `Run: chmod o+x ${dir}  — or set WALDEN_HOME to a path under /srv or /tmp.`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

export async function prepareSharedDirs(ctx: Context, credentials: Credentials): Promise<void> {
  const { pgDir, runDir, logsDir, archiveDir, replicationPassfile } = ctx.layout;
  await ensureOwnedDir(ctx, pgDir, 0o755);
  await ensureOwnedDir(ctx, runDir, 0o700);
  await ensureOwnedDir(ctx, logsDir, 0o755);
  await ensureOwnedDir(ctx, path.dirname(archiveDir), 0o755);
  await ensureOwnedDir(ctx, archiveDir, 0o700);
  // Rewritten every start so a regenerated password reaches the standbys' walreceivers; any
  // port, since standby2 streams from standby1 with the same role.
  const replicator: PassfileEntry = {
    host: HOST,
    port: "*",
    user: "replicator",
    password: credentials.replicatorPassword,
  };
  await writeOwnedFile(ctx, replicationPassfile, `${passfileLine(replicator)}\n`, 0o600);
}

/**
 * A new primary restarts WAL numbering: its segments would collide with the old cluster's
 * (and the archive command refuses to overwrite). The old WAL is moved aside, never deleted.
 */
export async function setAsideArchive(ctx: Context): Promise<void> {
  const { archiveDir } = ctx.layout;
  if ((await fs.readdir(archiveDir)).length === 0) return;
  const aside = `${archiveDir}.before-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  ctx.log(`primary: new cluster, moving the previous archive to ${aside}`);
  await fs.rename(archiveDir, aside);
  await ensureOwnedDir(ctx, archiveDir, 0o700);
}

export async function ensureOwnedDir(ctx: Context, dir: string, mode: number): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.chmod(dir, mode);
  if (ctx.user.viaRunuser) await fs.chown(dir, ctx.user.uid, ctx.user.gid);
}

export async function writeOwnedFile(
  ctx: Context,
  file: string,
  content: string,
  mode: number,
): Promise<void> {
  await fs.writeFile(file, content, { mode });
  await fs.chmod(file, mode);
  if (ctx.user.viaRunuser) await fs.chown(file, ctx.user.uid, ctx.user.gid);
}

export async function appendOwnedFile(ctx: Context, file: string, content: string): Promise<void> {
  await fs.appendFile(file, content, { mode: 0o600 });
  if (ctx.user.viaRunuser) await fs.chown(file, ctx.user.uid, ctx.user.gid);
}
