import { parseLsn } from "@/lib/replication/lsn";
import type { TableEvent } from "@/lib/schemas/table-events";
import {
  fileKey,
  type CommittedTransaction,
  type FileKey,
  type FileRef,
  type WalEvent,
} from "./waldump-events";

// From committed transactions (waldump-events.ts) to the events of one table: which commits
// dropped, truncated or rewrote its files (following it to its new file), and which deleted
// many of its rows. Pure, like the parsing.

/** One relation the question is about: the table, or one of its partitions. */
export interface TrackedRelation {
  dbOid: number;
  oid: number;
  /** schema.name, for the answer. */
  relation: string;
}

export interface TableEventContext {
  /** Every file the table (or a partition) has had, from the relation maps. */
  files: Map<FileKey, TrackedRelation>;
  /** pg_class's file per database (it moves with VACUUM FULL pg_class); default 1259. */
  pgClassFiles: Map<number, number>;
  /** "<db>/<oid>" of every relation that exists now (the fresh map), or null when unknown. */
  existingNow: Set<string> | null;
}

export type TableChange = "drop" | "truncate" | "rewrite";

export interface TableTransaction {
  xid: number;
  commitLsn: string;
  commitTime: string | null;
  /** What happened to the table's (or a partition's) files, the strongest first: drop > truncate. */
  change: "drop" | "truncate" | null;
  /** Rows deleted from the table and its partitions. */
  deletedRows: number;
  /** The relations affected (schema.name). */
  relations: string[];
  firstSegment: number;
  /** The xids whose records count (top-level and committed subtransactions). */
  xids: number[];
}

function sameFile(a: FileRef, b: FileRef): boolean {
  return a.database === b.database && a.relfilenode === b.relfilenode;
}

/**
 * What one of the table's files going away at commit means. PostgreSQL 15+ names dropped
 * relations (`dropped stats`); a rewrite (VACUUM FULL, CLUSTER, ALTER TABLE that rewrites,
 * REFRESH MATERIALIZED VIEW) builds a transient heap that is created and dropped in the same
 * transaction; TRUNCATE only swaps files. Without `dropped stats` (WAL of 13/14), a deleted
 * pg_class row marks a drop or a rewrite, told apart by whether the relation exists now.
 */
export function classifyFileDrop(
  transaction: CommittedTransaction,
  dropped: FileRef,
  relation: TrackedRelation,
  context: Pick<TableEventContext, "pgClassFiles" | "existingNow">,
): { change: TableChange; newFile: FileRef | null } {
  const db = relation.dbOid;
  const stats = new Set(transaction.droppedStats);
  if (transaction.truncatedOids.includes(relation.oid)) {
    return { change: "truncate", newFile: pairedNewFile(transaction, dropped) };
  }
  if (stats.has(`${db}/${relation.oid}`)) return { change: "drop", newFile: null };
  const transient = transaction.createdFiles.find(
    (file) => file.database === db && stats.has(`${db}/${file.relfilenode}`),
  );
  if (transient) return { change: "rewrite", newFile: transient };
  const newFile = pairedNewFile(transaction, dropped);
  if (newFile && newFile.tablespace !== dropped.tablespace) return { change: "rewrite", newFile };
  if (transaction.droppedStats.length > 0) return { change: "truncate", newFile };
  const pgClass = fileKey(db, context.pgClassFiles.get(db) ?? 1259);
  if ((transaction.deletes.get(pgClass) ?? 0) > 0) {
    return context.existingNow?.has(`${db}/${relation.oid}`)
      ? { change: "rewrite", newFile: null }
      : { change: "drop", newFile: null };
  }
  return { change: "truncate", newFile };
}

/**
 * TRUNCATE gives each relation a new file and schedules its old one for unlinking, one
 * relation at a time; the commit lists unlinks newest first. So when the counts agree, the
 * k-th file created pairs with the k-th unlink from the end.
 */
export function pairedNewFile(transaction: CommittedTransaction, dropped: FileRef): FileRef | null {
  const created = transaction.createdFiles;
  const unlinked = transaction.droppedFiles;
  if (created.length !== unlinked.length) return null;
  const index = unlinked.findIndex((file) => sameFile(file, dropped));
  return index < 0 ? null : (created[unlinked.length - 1 - index] ?? null);
}

/**
 * Follows one table through committed transactions in WAL order: counts its deleted rows,
 * classifies the removal of its files, and follows a truncated or rewritten table to its new
 * file so later deletes still count. Transactions that touched it come back in order.
 */
export class TableEventTracker {
  readonly transactions: TableTransaction[] = [];
  private readonly byXid = new Map<number, TableTransaction>();

  private readonly pgClassKeys: Set<FileKey>;

  constructor(private readonly context: TableEventContext) {
    this.pgClassKeys = new Set(
      [...context.pgClassFiles].map(([db, relfilenode]) => fileKey(db, relfilenode)),
    );
  }

  /** Whether a file's deletes matter: the table's, or pg_class's (a hint of a drop). */
  isInteresting(key: FileKey): boolean {
    return this.context.files.has(key) || this.pgClassKeys.has(key);
  }

  add(transaction: CommittedTransaction): void {
    let deletedRows = 0;
    const relations = new Set<string>();
    for (const [key, rows] of transaction.deletes) {
      const relation = this.context.files.get(key);
      if (!relation) continue;
      deletedRows += rows;
      relations.add(relation.relation);
    }
    let change: "drop" | "truncate" | null = null;
    const handled = new Set<string>();
    for (const dropped of transaction.droppedFiles) {
      const relation = this.context.files.get(fileKey(dropped.database, dropped.relfilenode));
      if (!relation) continue;
      handled.add(`${relation.dbOid}/${relation.oid}`);
      const result = classifyFileDrop(transaction, dropped, relation, this.context);
      if (result.newFile)
        this.context.files.set(fileKey(result.newFile.database, result.newFile.relfilenode), relation);
      if (result.change === "rewrite") continue;
      relations.add(relation.relation);
      if (result.change === "drop" || change === null) change = result.change;
    }
    // A TRUNCATE record names the relation even when its file is not one we know.
    if (transaction.truncatedOids.length > 0) {
      for (const relation of new Set(this.context.files.values())) {
        if (handled.has(`${relation.dbOid}/${relation.oid}`)) continue;
        if (!transaction.truncatedOids.includes(relation.oid)) continue;
        relations.add(relation.relation);
        change ??= "truncate";
      }
    }
    if (change === null && deletedRows === 0) return;
    const entry: TableTransaction = {
      xid: transaction.xid,
      commitLsn: transaction.commitLsn,
      commitTime: transaction.commitTime,
      change,
      deletedRows,
      relations: [...relations].sort(),
      firstSegment: transaction.firstSegment,
      xids: [transaction.xid, ...transaction.subxacts],
    };
    this.transactions.push(entry);
    this.byXid.set(transaction.xid, entry);
  }

  /**
   * Deletes read from an earlier segment for transactions already committed (a long DELETE
   * whose first records precede the segments read). Returns whether any were found.
   */
  addEarlierDeletes(
    events: readonly WalEvent[],
    segment: number,
    wanted: readonly TableTransaction[],
  ): boolean {
    const owner = new Map<number, TableTransaction>();
    for (const transaction of wanted) for (const xid of transaction.xids) owner.set(xid, transaction);
    let found = false;
    for (const event of events) {
      if (event.kind !== "delete") continue;
      const transaction = owner.get(event.xid);
      if (!transaction) continue;
      const relation = this.context.files.get(fileKey(event.file.database, event.file.relfilenode));
      if (!relation) continue;
      transaction.deletedRows += event.rows;
      if (!transaction.relations.includes(relation.relation))
        transaction.relations = [...transaction.relations, relation.relation].sort();
      transaction.firstSegment = Math.min(transaction.firstSegment, segment);
      found = true;
    }
    return found;
  }
}

/** Microseconds since the epoch of an ISO time: commit times carry microseconds, Date keeps ms. */
export function isoMicros(iso: string): number {
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? "";
  const whole = Date.parse(iso.replace(/\.\d+/, ""));
  return whole * 1000 + Number(fraction.padEnd(6, "0").slice(0, 6));
}

/**
 * The events to show: drops and truncates, and transactions that deleted at least
 * `minDeletedRows` rows, committed within [from, to], ordered by commit time.
 */
export function toTableEvents(
  transactions: readonly TableTransaction[],
  options: { from: string; to: string; minDeletedRows: number },
): TableEvent[] {
  const from = isoMicros(options.from);
  const to = isoMicros(options.to);
  const events: TableEvent[] = [];
  for (const transaction of transactions) {
    if (!transaction.commitTime) continue;
    const at = isoMicros(transaction.commitTime);
    if (at < from || at > to) continue;
    const kind = transaction.change ?? (transaction.deletedRows >= options.minDeletedRows ? "delete" : null);
    if (!kind) continue;
    events.push({
      xid: transaction.xid,
      kind,
      ...(transaction.deletedRows > 0 ? { deletedRows: transaction.deletedRows } : {}),
      commitTime: transaction.commitTime,
      commitLsn: transaction.commitLsn,
      relations: transaction.relations,
      restoreTarget: { type: "xid", value: String(transaction.xid), inclusive: false },
    });
  }
  return events.sort(
    (a, b) =>
      isoMicros(a.commitTime) - isoMicros(b.commitTime) ||
      Number(parseLsn(a.commitLsn) - parseLsn(b.commitLsn)),
  );
}
