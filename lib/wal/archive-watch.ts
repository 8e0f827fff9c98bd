import { existsSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { localEncryptionRecipient } from "@/lib/backup/at-rest";
import { db } from "@/lib/db";
import { sealClusterArchive } from "./sealed-wal";

// The WAL archive of a cluster encrypted at rest, watched so that a segment PostgreSQL's
// archive_command moves into it is sealed within about a second, not at the next archive scan
// (up to a minute later): the plaintext window sealed-wal.ts names. The archive command writes
// `.<segment>.tmp` and renames it to `<segment>` (lib/tools/archive-command.ts), so the name's
// appearance means a whole segment. Events are coalesced (DEBOUNCE_MS) into one sealing pass
// (sealClusterArchive: one pass per folder at a time in this process, and safe beside another
// worker's). pg_receivewal's renames wake it too, harmlessly (receive-wal.ts seals them as well).
//
// The archive scan (every minute, on whichever worker takes it) starts or renews the watch; a
// watch not renewed for IDLE_MS (the cluster retired, its encryption off, or other workers take
// its scans) ends. Nothing is lost when a watch is missing or an event is dropped (a folder on a
// network filesystem may send none): the scan seals what is left. The watch does not keep the
// process alive (persistent: false).

const DEBOUNCE_MS = 200;
const IDLE_MS = 15 * 60_000;
const SEGMENT = /^[0-9A-F]{24}$/;

interface ArchiveWatch {
  archivePath: string;
  watcher: FSWatcher;
  timer: NodeJS.Timeout | null;
  /** A pass is running; `again`: something arrived during it, one more pass follows. */
  busy: boolean;
  again: boolean;
  renewedAt: number;
}

const watches = new Map<string, ArchiveWatch>();

function stop(clusterId: string): void {
  const current = watches.get(clusterId);
  if (!current) return;
  watches.delete(clusterId);
  if (current.timer) clearTimeout(current.timer);
  current.watcher.close();
}

function start(clusterId: string, archivePath: string, log: (line: string) => void): void {
  const watcher = watch(archivePath, { persistent: false });
  const entry: ArchiveWatch = {
    archivePath,
    watcher,
    timer: null,
    busy: false,
    again: false,
    renewedAt: Date.now(),
  };
  // A burst of segments (catching up) is one pass, plus at most one after it: never a queue.
  const schedule = () => {
    if (entry.busy) entry.again = true;
    if (entry.busy || entry.timer) return;
    entry.timer = setTimeout(() => {
      entry.timer = null;
      entry.busy = true;
      void sealClusterArchive(clusterId, log).finally(() => {
        entry.busy = false;
        if (!entry.again || watches.get(clusterId) !== entry) return;
        entry.again = false;
        schedule();
      });
    }, DEBOUNCE_MS);
    entry.timer.unref();
  };
  watcher.on("change", (_event, name) => {
    const file = typeof name === "string" ? name : name?.toString();
    if (!file || !SEGMENT.test(file)) return;
    if (Date.now() - entry.renewedAt > IDLE_MS) return stop(clusterId);
    // A removal (a pass sealed it) is an event too: only a segment that is there needs a pass.
    if (existsSync(path.join(archivePath, file))) schedule();
  });
  watcher.on("error", (error) => {
    log(`watching the WAL archive ${archivePath} stopped (${error.message}); the archive scan seals it`);
    if (watches.get(clusterId) === entry) stop(clusterId);
  });
  watches.set(clusterId, entry);
}

/**
 * Starts or renews the watch of the cluster's archive when it is sealed at rest, ends it when it
 * is not (or no longer where it was). Failures are logged: the scan still seals every minute.
 */
export async function keepArchiveWatched(clusterId: string, log: (line: string) => void): Promise<boolean> {
  const cluster = await db().cluster.findUnique({ where: { id: clusterId } });
  const archivePath = cluster?.archivePath && localEncryptionRecipient(cluster) ? cluster.archivePath : null;
  const current = watches.get(clusterId);
  if (current && current.archivePath === archivePath) {
    current.renewedAt = Date.now();
    return true;
  }
  stop(clusterId);
  if (!archivePath) return false;
  try {
    start(clusterId, archivePath, log);
    return true;
  } catch (error) {
    log(
      `the WAL archive ${archivePath} cannot be watched (${(error as Error).message}); the archive scan seals it`,
    );
    return false;
  }
}

/** Ends every watch of this process (tests, shutdown). */
export function stopArchiveWatches(): void {
  for (const clusterId of [...watches.keys()]) stop(clusterId);
}
