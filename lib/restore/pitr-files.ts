import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { untar } from "@/lib/backup/verify";
import { configuredSetting, giveToServerUser, type InstancePaths } from "./instance";
import {
  neutraliseConf,
  OWN_CONFIG_FILES,
  preloadSettings,
  renderSettings,
  restoredHba,
} from "./recovery-config";
import { remapTablespaces, tablespaceArchives, TABLESPACES_DIR } from "./tablespaces";

// The PITR copy's files: the backup unpacked into the new data directory, then configured so
// the copy keeps to itself (steps "extract" and "configure" of pitr.ts).

/**
 * base.tar into the data directory, pg_wal.tar into its pg_wal, and each tablespace archive into
 * the restore's own folder (the data directory's parent, see instancePaths), never the source's.
 */
export async function extractBackup(backupDir: string, dataDir: string, log: (line: string) => void) {
  const files = await fs.readdir(backupDir);
  const base = files.find((file) => file.startsWith("base.tar"));
  const wal = files.find((file) => file.startsWith("pg_wal.tar"));
  if (!base) throw new Error(`the backup folder ${backupDir} has no base.tar`);
  const lines: string[] = [];
  await untar(path.join(backupDir, base), dataDir, lines);
  if (wal) await untar(path.join(backupDir, wal), path.join(dataDir, "pg_wal"), lines);
  const tablespacesRoot = path.join(path.dirname(dataDir), TABLESPACES_DIR);
  const tablespaces = tablespaceArchives(files);
  for (const { oid, file } of tablespaces)
    await untar(path.join(backupDir, file), path.join(tablespacesRoot, oid), lines);
  lines.push(
    ...(await remapTablespaces(
      dataDir,
      tablespacesRoot,
      tablespaces.map(({ oid }) => oid),
    )),
  );
  lines.forEach(log);
}

/** Folders of the data directory that hold no configuration. */
const SERVER_DIRS = /^(base|global|pg_[a-z_]+)$/;

/** Every .conf file of the copy: the data directory's own and those in its other folders (conf.d…). */
async function confFiles(dataDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await fs.readdir(dataDir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".conf")) files.push(path.join(dataDir, entry.name));
    else if (entry.isDirectory() && !SERVER_DIRS.test(entry.name)) {
      const inner = await fs.readdir(path.join(dataDir, entry.name), { withFileTypes: true });
      for (const file of inner)
        if (file.isFile() && file.name.endsWith(".conf"))
          files.push(path.join(dataDir, entry.name, file.name));
    }
  }
  return files;
}

/**
 * The copy's configuration kept inside the copy: symlinked config files become plain files,
 * lines naming the source's files or including files from outside are commented out, and the
 * recovery and isolation settings are appended to postgresql.auto.conf last, after whatever
 * ALTER SYSTEM wrote there, so they win.
 */
export async function configureCopy(paths: InstancePaths, settings: string, log: (line: string) => void) {
  const { dataDir } = paths;
  // A backup taken from a standby carries standby.signal; this copy recovers from the archive only.
  for (const leftover of ["standby.signal", "postmaster.pid", "postmaster.opts"]) {
    if (existsSync(path.join(dataDir, leftover))) {
      await fs.rm(path.join(dataDir, leftover));
      log(`removed ${leftover}`);
    }
  }
  for (const name of OWN_CONFIG_FILES) {
    const file = path.join(dataDir, name);
    const link = await fs.lstat(file).catch(() => null);
    if (link?.isSymbolicLink()) {
      const target = await fs.readlink(file);
      // Read, never written: the source's file keeps its bytes.
      const content = await fs.readFile(file, "utf8").catch(() => "");
      await fs.rm(file);
      await fs.writeFile(file, content);
      log(`${name} was a link to ${target}: replaced by a plain copy of it`);
    } else if (!link && name !== "pg_hba.conf") {
      // Debian keeps postgresql.conf and pg_ident.conf under /etc, so a backup may lack them.
      await fs.writeFile(file, "");
    }
  }
  for (const file of await confFiles(dataDir)) {
    const { text, commented } = neutraliseConf(
      await fs.readFile(file, "utf8"),
      path.dirname(file),
      paths.root,
    );
    if (commented.length === 0) continue;
    await fs.writeFile(file, text);
    for (const line of commented) log(`${path.relative(dataDir, file)}: commented out ${line}`);
  }
  await fs.appendFile(path.join(dataDir, "postgresql.auto.conf"), settings);
  await fs.writeFile(path.join(dataDir, "pg_hba.conf"), restoredHba());
  await fs.writeFile(path.join(dataDir, "recovery.signal"), "");
  await giveToServerUser(paths.root);
  const preload = preloadSettings(await configuredSetting(paths, "shared_preload_libraries"));
  if (preload.dropped.length) {
    await fs.appendFile(
      path.join(dataDir, "postgresql.auto.conf"),
      renderSettings("Libraries that run jobs on their own stay unloaded in a copy", preload.settings),
    );
    log(
      `shared_preload_libraries: ${preload.dropped.join(", ")} not loaded (its jobs must not run in a copy); kept: ${preload.settings.shared_preload_libraries || "none"}`,
    );
  }
  log(
    "postgresql.auto.conf: recovery and isolation settings appended; pg_hba.conf: local trust on the private socket, md5 on 127.0.0.1; recovery.signal written",
  );
}
