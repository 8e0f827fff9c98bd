import { walIdentityFor } from "@/lib/backup/at-rest-open";
import { knownPrimary } from "@/lib/clusters/current-primary";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import type { TableEventsQuery } from "@/lib/schemas/restore";
import type { TableEventsResult } from "@/lib/schemas/table-events";
import { toolPath } from "@/lib/tools/binaries";
import { scanArchive } from "@/lib/wal/archive";
import { readSegmentCommits } from "@/lib/wal/waldump";
import {
  missingBetween,
  readInOrder,
  readSegmentEvents,
  segmentsInRange,
  segmentsOnNewestTimeline,
  type CommitSummary,
} from "./event-segments";
import { captureRelationMap, listRelationMaps, type RelationMapEntry } from "./relation-map";
import {
  isoMicros,
  TableEventTracker,
  toTableEvents,
  type TableEventContext,
  type TrackedRelation,
} from "./table-tracker";
import { fileKey, TransactionAggregator, type FileKey } from "./waldump-events";

// The event finder: for one table and a time range, the transactions in the archived WAL that
// dropped it, truncated it or deleted many of its rows, each with "restore to just before"
// (its xid, not inclusive). Runs in the worker (it spawns pg_waldump; which segments, read how:
// event-segments.ts). Its answer is a wire type (lib/schemas/table-events.ts), parsed where the
// web app receives it.

export type { TableEventsResult };

/** Segments read with the heap records at most (16 MiB each); the newest are kept. */
export const MAX_EVENT_SEGMENTS = 256;
/** The web app waits 60 s for the answer: reading stops in time to give one. */
export const DEFAULT_TIME_BUDGET_MS = 45_000;

function splitTable(table: string): { schema: string; name: string } {
  const dot = table.indexOf(".");
  return dot < 0
    ? { schema: "public", name: table }
    : { schema: table.slice(0, dot), name: table.slice(dot + 1) };
}

/**
 * Which relations the question is about: every (database, OID) the name had in any map (a
 * table dropped and created again has two), their partitions, and every file each had.
 */
export function resolveTable(
  maps: readonly (readonly RelationMapEntry[])[],
  target: { database: string; schema: string; name: string },
): Pick<TableEventContext, "files" | "pgClassFiles"> & { relations: number } {
  const all = maps.flat();
  const matches = (entry: RelationMapEntry, fold: boolean) =>
    entry.database === target.database &&
    (fold
      ? entry.schema === target.schema.toLowerCase() && entry.name === target.name.toLowerCase()
      : entry.schema === target.schema && entry.name === target.name);
  let named = all.filter((entry) => matches(entry, false));
  // An unquoted name is folded to lower case by PostgreSQL: "Orders" means orders.
  if (named.length === 0) named = all.filter((entry) => matches(entry, true));
  const tables = new Set(named.map((entry) => `${entry.dbOid}/${entry.oid}`));
  const tracked = (entry: RelationMapEntry) =>
    tables.has(`${entry.dbOid}/${entry.oid}`) ||
    (entry.rootOid !== null && entry.rootOid !== undefined && tables.has(`${entry.dbOid}/${entry.rootOid}`));
  const files = new Map<FileKey, TrackedRelation>();
  const relations = new Set<string>();
  const pgClassFiles = new Map<number, number>();
  const databases = new Set(named.map((entry) => entry.dbOid));
  for (const entry of all) {
    if (
      entry.schema === "pg_catalog" &&
      entry.name === "pg_class" &&
      databases.has(entry.dbOid) &&
      entry.relfilenode
    ) {
      pgClassFiles.set(entry.dbOid, entry.relfilenode);
    }
    if (!tracked(entry)) continue;
    relations.add(`${entry.dbOid}/${entry.oid}`);
    if (entry.relfilenode === null) continue;
    files.set(fileKey(entry.dbOid, entry.relfilenode), {
      dbOid: entry.dbOid,
      oid: entry.oid,
      relation: `${entry.schema}.${entry.name}`,
    });
  }
  for (const db of databases) if (!pgClassFiles.has(db)) pgClassFiles.set(db, 1259);
  return { files, pgClassFiles, relations: relations.size };
}

// worker: restore.events — the drops, truncates and big deletes of one table in a time range
export async function findTableEvents(
  clusterId: string,
  query: TableEventsQuery,
  options: { timeBudgetMs?: number } = {},
): Promise<TableEventsResult> {
  const deadline = Date.now() + (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  const cluster = await getClusterRowOrThrow(clusterId);
  const primary = knownPrimary(cluster.nodes);
  const { schema, name } = splitTable(query.table);
  const database = query.database ?? primary?.database ?? "postgres";
  const problems: string[] = [];
  const result: TableEventsResult = {
    clusterId,
    table: `${schema}.${name}`,
    database,
    from: query.from,
    to: query.to,
    minDeletedRows: query.minDeletedRows,
    events: [],
    scannedSegments: 0,
    scannedWal: null,
    capped: false,
    relationMaps: { count: 0, oldest: null },
    problems,
  };
  const from = isoMicros(query.from);
  const to = isoMicros(query.to);
  if (from > to) {
    problems.push("The range is empty: from is after to.");
    return result;
  }

  // What exists now, then every map ever taken: a dropped table is only in older ones.
  let existingNow: Set<string> | null = null;
  let fresh: RelationMapEntry[] = [];
  try {
    const captured = await captureRelationMap(clusterId);
    fresh = captured.entries;
    existingNow = new Set(captured.entries.map((entry) => `${entry.dbOid}/${entry.oid}`));
    problems.push(...captured.problems);
  } catch (error) {
    problems.push(
      `The primary could not be read (${(error as Error).message}): only the stored relation maps were used, so a table created since the last map is not found.`,
    );
  }
  const maps = await listRelationMaps(clusterId);
  result.relationMaps = { count: maps.length, oldest: maps[0]?.capturedAt.toISOString() ?? null };
  const resolved = resolveTable([...maps.map((map) => map.entries), fresh], { database, schema, name });
  if (resolved.relations === 0) {
    problems.push(
      `No table ${schema}.${name} in database ${database} in any relation map${maps[0] ? ` (the oldest is from ${maps[0].capturedAt.toISOString()})` : ""}. Maps are taken at each backup and at each lookup; a table created and dropped between two of them cannot be found by name.`,
    );
    return result;
  }
  if (resolved.files.size === 0) {
    problems.push(`${schema}.${name} has no files of its own or of partitions: nothing to look for.`);
    return result;
  }

  if (!cluster.archivePath) {
    problems.push("The cluster has no WAL archive folder registered: there is no WAL to read.");
    return result;
  }
  let scan;
  try {
    scan = await scanArchive(cluster.archivePath);
  } catch (error) {
    problems.push((error as Error).message);
    return result;
  }
  problems.push(...scan.problems);
  const onPath = segmentsOnNewestTimeline(scan.segments, scan.histories, scan.segmentSize);
  problems.push(...onPath.problems);
  const segments = onPath.segments;
  if (segments.length === 0) {
    problems.push(`The archive ${cluster.archivePath} holds no WAL segments.`);
    return result;
  }

  const program = toolPath("pg_waldump");
  const summaryFailures = new Set<string>();
  const summary = async (index: number): Promise<CommitSummary> => {
    const segment = segments[index]!;
    try {
      return await readSegmentCommits({ program, root: scan.root, segment: segment.name });
    } catch (error) {
      if (!summaryFailures.has(segment.name)) {
        summaryFailures.add(segment.name);
        problems.push(`The commits of ${segment.name} could not be read: ${(error as Error).message}`);
      }
      return null;
    }
  };
  const range = await segmentsInRange(segments.length, summary, from, to);
  const hi = range.hi;
  let lo = range.lo;
  const newest = (await summary(segments.length - 1))?.last;
  if (newest && isoMicros(newest.time) < to) {
    problems.push(`The newest archived commit is at ${newest.time}: anything later is not archived yet.`);
  }
  if (lo > hi) return result;
  if (hi - lo + 1 > MAX_EVENT_SEGMENTS) {
    result.capped = true;
    const skipped = hi - lo + 1 - MAX_EVENT_SEGMENTS;
    lo = hi - MAX_EVENT_SEGMENTS + 1;
    const oldestRead = (await summary(lo))?.first?.time;
    problems.push(
      `The range spans ${skipped + MAX_EVENT_SEGMENTS} WAL segments; only the newest ${MAX_EVENT_SEGMENTS} were read${oldestRead ? `, from ${oldestRead} on` : ""}. Narrow the range to see older events.`,
    );
  }
  // One segment more before the range: a transaction committing early in the range may have
  // written its rows there (the read-back below follows it further from there).
  if (!result.capped && lo > 0 && segments[lo - 1]!.segno === segments[lo]!.segno - 1) lo -= 1;
  const gaps = missingBetween(segments, lo, hi);
  if (gaps.length > 0) {
    problems.push(
      `WAL is missing from the archive in the range (${gaps.slice(0, 5).join("; ")}): events in it are not listed.`,
    );
  }

  const context: TableEventContext = {
    files: resolved.files,
    pgClassFiles: resolved.pgClassFiles,
    existingNow,
  };
  const tracker = new TableEventTracker(context);
  const created = new Set<FileKey>();
  const aggregator = new TransactionAggregator(
    (transaction) => tracker.add(transaction),
    (key) => tracker.isInteresting(key) || created.has(key),
  );
  const pgClassKeys = new Set(
    [...resolved.pgClassFiles].map(([db, relfilenode]) => fileKey(db, relfilenode)),
  );
  const keepFile = (key: FileKey) => pgClassKeys.has(key);
  // Segments sealed at rest open with the key Walden holds (none: each is named as not read).
  const identityFor = walIdentityFor(cluster, undefined);
  const read = (index: number, signal?: AbortSignal) =>
    readSegmentEvents(program, scan.root, segments[index]!, keepFile, signal, identityFor);
  const outOfTime = () => Date.now() > deadline;
  const consumed = await readInOrder(
    hi - lo + 1,
    (offset, signal) => read(lo + offset, signal),
    (segmentRead, offset) => {
      if (segmentRead.problem) problems.push(segmentRead.problem);
      for (const event of segmentRead.events) {
        if (event.kind === "create") created.add(fileKey(event.file.database, event.file.relfilenode));
        aggregator.add(event, lo + offset);
      }
    },
    outOfTime,
  );
  let scanned = consumed;
  const last = lo + consumed - 1;
  if (consumed < hi - lo + 1) {
    result.capped = true;
    const until = consumed > 0 ? (await summary(last))?.last?.time : undefined;
    problems.push(
      `Reading stopped after ${Math.round((options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS) / 1000)} s at ${consumed} of ${hi - lo + 1} segments${until ? `: events after ${until} are not listed` : ""}. Narrow the range.`,
    );
  }

  // A long transaction that commits in the range may have begun in an earlier segment: read
  // back while the earliest segment read holds deletes of such a transaction.
  while (
    consumed > 0 &&
    lo > 0 &&
    scanned < MAX_EVENT_SEGMENTS &&
    !outOfTime() &&
    segments[lo - 1]!.segno === segments[lo]!.segno - 1
  ) {
    const open = tracker.transactions.filter(
      (transaction) =>
        transaction.deletedRows > 0 &&
        transaction.firstSegment === lo &&
        transaction.commitTime !== null &&
        isoMicros(transaction.commitTime) >= from &&
        isoMicros(transaction.commitTime) <= to,
    );
    if (open.length === 0) break;
    const earlier = await read(lo - 1);
    if (earlier.problem) problems.push(earlier.problem);
    lo -= 1;
    scanned += 1;
    if (!tracker.addEarlierDeletes(earlier.events, lo, open)) break;
  }

  const unreadable = tracker.transactions.filter((transaction) => transaction.commitTime === null).length;
  if (unreadable > 0) {
    problems.push(
      `${unreadable} transaction(s) touching the table have a commit time pg_waldump printed in a zone that cannot be read: not listed.`,
    );
  }
  result.events = toTableEvents(tracker.transactions, query);
  result.scannedSegments = scanned;
  result.scannedWal = consumed > 0 ? { from: segments[lo]!.name, to: segments[last]!.name } : null;
  return result;
}
