import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Settings } from "@/lib/tools/config-file";
import { dataDir, type Context, type ServerName } from "./context";
import { appendOwnedFile, ensureOwnedDir, writeOwnedFile } from "./home";
import { completionMarker, PG_HBA, renderNodeSettings } from "./node-config";
import { runPgProgramOrThrow } from "./programs";
import { serverState, stopServer } from "./servers";

// Creating a server's data directory: initdb for the catalog and the primary, and the check
// that a directory was set up to the end (a crashed attempt is redone).

/**
 * A data directory counts as complete only once its own `cluster_name` line is written, which
 * is the last step of creating it; anything less is a crashed attempt, removed and redone.
 * Standbys keep theirs in postgresql.auto.conf: their postgresql.conf is the primary's copy.
 */
export function isComplete(ctx: Context, name: ServerName): boolean {
  const dir = dataDir(ctx, name);
  const configFile = path.join(dir, name.startsWith("standby") ? "postgresql.auto.conf" : "postgresql.conf");
  if (!existsSync(path.join(dir, "PG_VERSION")) || !existsSync(configFile)) return false;
  return readFileSync(configFile, "utf8").includes(completionMarker(name));
}

/** Start from an empty data directory, stopping whatever ran there. */
export async function resetDataDir(ctx: Context, name: ServerName): Promise<void> {
  const dir = dataDir(ctx, name);
  if (existsSync(dir)) {
    if ((await serverState(ctx, name)) === "running") await stopServer(ctx, name);
    ctx.log(`${name}: removing incomplete or outdated ${dir}`);
    await fs.rm(dir, { recursive: true, force: true });
  }
  await ensureOwnedDir(ctx, dir, 0o700);
}

/** initdb + configuration for catalog and primary. Returns true if the server was created now. */
export async function ensureInitdbServer(
  ctx: Context,
  name: ServerName,
  settings: Settings,
): Promise<boolean> {
  if (isComplete(ctx, name)) return false;
  await resetDataDir(ctx, name);
  const dir = dataDir(ctx, name);
  ctx.log(`${name}: initdb ${dir}`);
  await runPgProgramOrThrow(ctx, "initdb", [
    "-D",
    dir,
    "-U",
    "postgres",
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "--encoding=UTF8",
    "--locale=C",
  ]);
  await writeOwnedFile(ctx, path.join(dir, "pg_hba.conf"), PG_HBA, 0o600);
  await appendOwnedFile(
    ctx,
    path.join(dir, "postgresql.conf"),
    renderNodeSettings("Walden sandbox", settings),
  );
  return true;
}
