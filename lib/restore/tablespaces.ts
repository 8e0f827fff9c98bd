import fs from "node:fs/promises";
import path from "node:path";
import { isWithin } from "@/lib/paths";
import { shellQuote } from "@/lib/tools/shell-quote";

// Tablespaces of a restored copy. pg_basebackup --format=tar writes one <oid>.tar[.gz|.lz4|.zst]
// per tablespace beside base.tar, and base.tar's tablespace_map lists "<oid> <the source's
// absolute path>": a server started on it would make pg_tblspc/<oid> point at the source's
// own files and replay into them. Every place that unpacks a base backup (the PITR executor
// and drills, the break-glass runbook) puts each tablespace inside the restore's folder and
// rewrites the map to point there, and nothing starts until every entry is checked to be inside.

/** The folder of a restore's root holding its tablespaces, one sub-folder per tablespace oid. */
export const TABLESPACES_DIR = "tablespaces";

export const TABLESPACE_ARCHIVE = /^(\d+)\.tar(\.(gz|lz4|zst))?$/;

export interface TablespaceArchive {
  oid: string;
  file: string;
}

export interface TablespaceMapEntry {
  oid: string;
  location: string;
}

/** The tablespace archives of a backup folder's listing, by oid. */
export function tablespaceArchives(files: string[]): TablespaceArchive[] {
  return files
    .map((file) => ({ file, match: TABLESPACE_ARCHIVE.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({ oid: match[1]!, file }))
    .sort((a, b) => Number(a.oid) - Number(b.oid));
}

/**
 * tablespace_map as the server reads it: "<oid> <path>" per line, where a backslash escapes
 * the next character (the server escapes \, line feeds and carriage returns in paths).
 */
export function parseTablespaceMap(text: string): TablespaceMapEntry[] {
  const lines: string[] = [];
  let line = "";
  let escaped = false;
  for (const ch of text) {
    if (escaped) {
      line += ch;
      escaped = false;
    } else if (ch === "\\") escaped = true;
    else if (ch === "\n" || ch === "\r") {
      if (line) lines.push(line);
      line = "";
    } else line += ch;
  }
  if (line) lines.push(line);
  return lines.map((entry) => {
    const match = /^(\d+) (.+)$/s.exec(entry);
    if (!match)
      throw new Error(`tablespace_map has a line that is not "<oid> <path>": ${JSON.stringify(entry)}`);
    return { oid: match[1]!, location: match[2]! };
  });
}

export function renderTablespaceMap(entries: TablespaceMapEntry[]): string {
  return entries.map(({ oid, location }) => `${oid} ${location.replace(/[\\\n\r]/g, "\\$&")}\n`).join("");
}

/** The map a copy gets: each tablespace at `<tablespacesRoot>/<oid>`, shared by the executor and the runbook. */
export function remappedTablespaceMap(oids: string[], tablespacesRoot: string): string {
  return renderTablespaceMap(oids.map((oid) => ({ oid, location: path.posix.join(tablespacesRoot, oid) })));
}

/**
 * After base.tar and each tablespace archive are unpacked (archive <oid> into
 * `<tablespacesRoot>/<oid>`): the backup's tablespace_map must name exactly the archives, then
 * pg_tblspc/<oid> links to the copy's folder and tablespace_map is rewritten to match (the
 * server recreates the links from the map at start). Returns a line per tablespace moved.
 */
export async function remapTablespaces(
  dataDir: string,
  tablespacesRoot: string,
  oids: string[],
): Promise<string[]> {
  const mapFile = path.join(dataDir, "tablespace_map");
  const text = await fs.readFile(mapFile, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  const source = text === null ? [] : parseTablespaceMap(text);
  for (const entry of source)
    if (!oids.includes(entry.oid))
      throw new Error(
        `the backup's tablespace_map names tablespace ${entry.oid} (${entry.location}), but the backup folder has no ${entry.oid}.tar for it`,
      );
  for (const oid of oids)
    if (!source.some((entry) => entry.oid === oid))
      throw new Error(
        `the backup folder has ${oid}.tar, but its tablespace_map does not name tablespace ${oid}`,
      );
  if (oids.length === 0) return [];
  const linkDir = path.join(dataDir, "pg_tblspc");
  await fs.mkdir(linkDir, { recursive: true, mode: 0o700 });
  const lines: string[] = [];
  for (const entry of source) {
    const location = path.join(tablespacesRoot, entry.oid);
    const link = path.join(linkDir, entry.oid);
    await fs.rm(link, { recursive: true, force: true });
    await fs.symlink(location, link);
    lines.push(`tablespace ${entry.oid}: the source's ${entry.location} restored into ${location}`);
  }
  await fs.writeFile(mapFile, remappedTablespaceMap(oids, tablespacesRoot));
  lines.push("tablespace_map rewritten to the copy's own folders");
  return lines;
}

/** realpath of what exists of `target`, with the part that does not exist yet appended. */
async function resolveLoosely(target: string): Promise<string> {
  const absolute = path.resolve(target);
  const missing: string[] = [];
  for (let current = absolute; ; current = path.dirname(current)) {
    try {
      return path.join(await fs.realpath(current), ...missing.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || current === path.dirname(current))
        throw error;
      missing.push(path.basename(current));
    }
  }
}

/**
 * Refuses to go on when any pg_tblspc entry of the copy or any tablespace_map line resolves
 * (after realpath) outside the restore's root: a server started on it would write into
 * another server's files. Returns what was checked, for the step log.
 */
export async function assertTablespacesInside(dataDir: string, root: string): Promise<string> {
  const realRoot = await fs.realpath(root);
  const linkDir = path.join(dataDir, "pg_tblspc");
  const problems: string[] = [];
  let checked = 0;
  const entries = await fs.readdir(linkDir).catch(() => [] as string[]);
  for (const name of entries.sort()) {
    const entry = path.join(linkDir, name);
    const stat = await fs.lstat(entry);
    if (!stat.isSymbolicLink() && !stat.isDirectory()) continue;
    const target = stat.isSymbolicLink() ? await fs.readlink(entry) : entry;
    checked += 1;
    const resolved = await resolveLoosely(path.resolve(linkDir, target));
    if (!isWithin(realRoot, resolved)) problems.push(`pg_tblspc/${name} points to ${resolved}`);
  }
  const text = await fs.readFile(path.join(dataDir, "tablespace_map"), "utf8").catch(() => null);
  for (const { oid, location } of text === null ? [] : parseTablespaceMap(text)) {
    checked += 1;
    const resolved = await resolveLoosely(path.resolve(linkDir, location));
    if (!isWithin(realRoot, resolved)) problems.push(`tablespace_map line ${oid} points to ${resolved}`);
  }
  if (problems.length)
    throw new Error(
      `refusing to start the restored copy: ${problems.join("; ")}, outside the restore's folder ${realRoot} (a copy's tablespaces must live inside it, or it would write into another server's files)`,
    );
  return checked
    ? `tablespaces checked: ${checked} pg_tblspc and tablespace_map entries, all inside ${realRoot}`
    : "no tablespaces besides the default ones";
}

/**
 * assertTablespacesInside as shell, for the runbook: every pg_tblspc link and tablespace_map
 * line must resolve inside `tablespacesRoot`, or the command fails naming them (no server start).
 */
export function tablespaceCheckCommand(dataDir: string, tablespacesRoot: string): string {
  const links = shellQuote(path.posix.join(dataDir, "pg_tblspc"));
  const map = shellQuote(path.posix.join(dataDir, "tablespace_map"));
  return [
    `root=$(readlink -m -- ${shellQuote(tablespacesRoot)}) outside=`,
    `for entry in ${links}/*; do if test -L "$entry"; then case "$(readlink -m -- "$entry")/" in "$root"/*) ;; *) outside="$outside pg_tblspc/\${entry##*/}";; esac; fi; done`,
    `if test -e ${map}; then while read -r oid location; do case "$(cd ${links} && readlink -m -- "$location")/" in "$root"/*) ;; *) outside="$outside tablespace_map:$oid";; esac; done < ${map}; fi`,
    `test -z "$outside" || { echo "Refusing to start: $outside point outside $root, into another server's files." >&2; false; }`,
  ].join("\n");
}
