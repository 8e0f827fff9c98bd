import { formatLsn, parseLsn } from "@/lib/replication/lsn";
import { parseWaldumpTime } from "@/lib/wal/waldump";

// What `pg_waldump --rmgr=Heap --rmgr=Transaction --rmgr=Storage` says about one table: the rows
// each transaction deleted from it, the TRUNCATE records naming it, the files a commit removed
// and the relations whose statistics it dropped, gathered per committed transaction (what those
// mean for one table: table-tracker.ts). Pure: lines in, facts out. Lines as PostgreSQL
// 15 prints them (fixtures in waldump-events.test.ts):
//
//   rmgr: Heap        len (rec/tot):     54/    54, tx:        735, lsn: 0/0193D578, prev 0/0193D3B0, desc: DELETE off 201 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16385 blk 0
//   rmgr: Heap        len (rec/tot):     42/    42, tx:        757, lsn: 0/04018B88, prev 0/04018B38, desc: TRUNCATE nrelids 1 relids 16433
//   rmgr: Storage     len (rec/tot):     42/    42, tx:        747, lsn: 0/02024648, prev 0/02024618, desc: CREATE base/16384/16424
//   rmgr: Transaction len (rec/tot):    621/   621, tx:        737, lsn: 0/019471D8, prev 0/019471A0, desc: COMMIT 2026-11-26 04:27:30.817524 UTC; rels: base/16384/16395 base/16384/16398; dropped stats: 2/16384/16398 2/16384/16395; inval msgs: …
//
// A DELETE names the file it changed (tablespace/database/relfilenode); a TRUNCATE record
// (written only with wal_level=logical) names relation OIDs and no database; a commit lists the
// files it unlinks (`rels:`: the old files of a dropped, truncated or rewritten relation) and,
// from PostgreSQL 15 on, the OIDs of the relations it dropped (`dropped stats: 2/<db>/<oid>`,
// 2 being the statistics kind "relation").

/** A relation file: "<database OID>/<relfilenode>" (0 for shared catalogs), ignoring the tablespace. */
export type FileKey = string;

export interface FileRef {
  tablespace: number;
  database: number;
  relfilenode: number;
}

export function fileKey(database: number, relfilenode: number): FileKey {
  return `${database}/${relfilenode}`;
}

/** User relations get relfilenodes from here on (FirstNormalObjectId); below are catalogs. */
export const FIRST_NORMAL_OID = 16384;
const DEFAULT_TABLESPACE = 1663;
const GLOBAL_TABLESPACE = 1664;
/** pgstat kind of a relation in `dropped stats: <kind>/<db>/<oid>`. */
const STATS_KIND_RELATION = 2;

export type WalEvent =
  | { kind: "delete"; xid: number; lsn: string; file: FileRef; rows: number }
  | { kind: "truncate"; xid: number; lsn: string; relids: number[] }
  | { kind: "create"; xid: number; lsn: string; file: FileRef }
  | {
      kind: "commit";
      xid: number;
      lsn: string;
      /** ISO-8601 with offset; null when pg_waldump printed a zone abbreviation that cannot be read. */
      time: string | null;
      subxacts: number[];
      /** Files unlinked at commit, as the record lists them. */
      droppedFiles: FileRef[];
      /** "<db>/<oid>" of relations whose statistics the commit dropped (PostgreSQL 15+). */
      droppedStats: string[];
    }
  | { kind: "abort"; xid: number; lsn: string; subxacts: number[] };

const header =
  /^rmgr: (\w+)\s+len \(rec\/tot\):\s*\d+\/\s*\d+, tx:\s*(\d+), lsn: ([0-9A-Fa-f]+\/[0-9A-Fa-f]+), prev [0-9A-Fa-f]+\/[0-9A-Fa-f]+, desc: (.*)$/;
const blockRef = /\bblkref #0: rel (\d+)\/(\d+)\/(\d+)\b/;
// PostgreSQL 15 prints "flags 0x00"; 16+ prints "flags: 0x00".
const deleteFlags = /\bflags:? 0x([0-9A-Fa-f]+)/;
/** A speculative insertion taken back (INSERT … ON CONFLICT), and an UPDATE moving a row to another partition. */
const XLH_DELETE_IS_SUPER = 0x08;
const XLH_DELETE_IS_PARTITION_MOVE = 0x10;
const commitTime = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) ([A-Za-z]+|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * A relation file path as the commit and Storage records print it (relpathperm):
 * `base/<db>/<rel>`, `global/<rel>`, `pg_tblspc/<spc>/<version dir>/<db>/<rel>`, with a
 * `_fsm`/`_vm`/`_init` suffix for the other forks (null: only main forks are files of rows).
 */
export function parseRelationPath(text: string): FileRef | null {
  let match = /^base\/(\d+)\/(\d+)$/.exec(text);
  if (match)
    return { tablespace: DEFAULT_TABLESPACE, database: Number(match[1]), relfilenode: Number(match[2]) };
  match = /^global\/(\d+)$/.exec(text);
  if (match) return { tablespace: GLOBAL_TABLESPACE, database: 0, relfilenode: Number(match[1]) };
  match = /^pg_tblspc\/(\d+)\/[^/]+\/(\d+)\/(\d+)$/.exec(text);
  if (match)
    return { tablespace: Number(match[1]), database: Number(match[2]), relfilenode: Number(match[3]) };
  return null;
}

function numbers(text: string | undefined): number[] {
  return (text?.match(/\d+/g) ?? []).map(Number);
}

/** The `; label: …` sections after a commit or abort's time. */
function sections(rest: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of rest.split(/;\s*/)) {
    const match = /^([a-z ]+):\s*(.*)$/.exec(part.trim());
    if (match) found.set(match[1]!, match[2]!);
  }
  return found;
}

function parseTransaction(xid: number, lsn: string, desc: string): WalEvent | null {
  const match = /^(COMMIT|COMMIT_PREPARED|ABORT|ABORT_PREPARED) (?:(\d+): )?([^;]*)(.*)$/.exec(desc);
  if (!match) return null;
  const [, what, preparedXid, when, rest] = match;
  const id = preparedXid ? Number(preparedXid) : xid;
  const parts = sections(rest ?? "");
  const subxacts = numbers(parts.get("subxacts"));
  if (what!.startsWith("ABORT")) return { kind: "abort", xid: id, lsn, subxacts };
  const time = commitTime.exec(when!.trim());
  const droppedFiles = (parts.get("rels") ?? "")
    .split(/\s+/)
    .map(parseRelationPath)
    .filter((file): file is FileRef => file !== null);
  const droppedStats: string[] = [];
  for (const item of (parts.get("dropped stats") ?? "").split(/\s+/)) {
    const stat = /^(\d+)\/(\d+)\/(\d+)$/.exec(item);
    if (stat && Number(stat[1]) === STATS_KIND_RELATION) droppedStats.push(`${stat[2]}/${stat[3]}`);
  }
  return {
    kind: "commit",
    xid: id,
    lsn,
    time: time ? parseWaldumpTime(time[1]!, time[2]!) : null,
    subxacts,
    droppedFiles,
    droppedStats,
  };
}

/** One line of pg_waldump output; null for every record that says nothing about rows or relations. */
export function parseWaldumpEvent(line: string): WalEvent | null {
  const match = header.exec(line);
  if (!match) return null;
  const [, rmgr, tx, rawLsn, desc] = match;
  const xid = Number(tx);
  const lsn = formatLsn(parseLsn(rawLsn!));
  if (rmgr === "Heap") {
    if (desc!.startsWith("DELETE ")) {
      const ref = blockRef.exec(desc!);
      if (!ref) return null;
      const flags = parseInt(deleteFlags.exec(desc!)?.[1] ?? "0", 16);
      if (flags & (XLH_DELETE_IS_SUPER | XLH_DELETE_IS_PARTITION_MOVE)) return null;
      const file = { tablespace: Number(ref[1]), database: Number(ref[2]), relfilenode: Number(ref[3]) };
      return { kind: "delete", xid, lsn, file, rows: 1 };
    }
    if (desc!.startsWith("TRUNCATE ")) {
      const relids = /\brelids:?\s*(.*)$/.exec(desc!);
      return { kind: "truncate", xid, lsn, relids: numbers(relids?.[1]) };
    }
    return null;
  }
  if (rmgr === "Storage") {
    const create = /^CREATE (\S+)$/.exec(desc!.trim());
    const file = create ? parseRelationPath(create[1]!) : null;
    return file ? { kind: "create", xid, lsn, file } : null;
  }
  if (rmgr === "Transaction") return parseTransaction(xid, lsn, desc!);
  return null;
}

/** Whether a line can be an event at all: a cheap test before the regular expressions. */
export function mayBeEvent(line: string): boolean {
  return (
    (line.startsWith("rmgr: Heap ") &&
      (line.includes("desc: DELETE ") || line.includes("desc: TRUNCATE "))) ||
    line.startsWith("rmgr: Transaction ") ||
    (line.startsWith("rmgr: Storage ") && line.includes("desc: CREATE "))
  );
}

/** xid and file of a DELETE that counts, read with string searches; null for anything else. */
function quickDelete(line: string): { xid: number; database: number; relfilenode: number } | null {
  const desc = line.indexOf(", desc: DELETE ");
  const tx = line.indexOf(", tx:");
  const ref = line.indexOf("blkref #0: rel ", desc);
  if (desc < 0 || tx < 0 || ref < 0) return null;
  const flags = deleteFlags.exec(line.slice(desc, ref));
  if (flags && parseInt(flags[1]!, 16) & (XLH_DELETE_IS_SUPER | XLH_DELETE_IS_PARTITION_MOVE)) return null;
  const [, database, relfilenode] = line.slice(ref + 15, line.indexOf(" ", ref + 15)).split("/");
  const xid = parseInt(line.slice(tx + 5, line.indexOf(",", tx + 5)), 10);
  if (!database || !relfilenode || Number.isNaN(xid)) return null;
  return { xid, database: Number(database), relfilenode: Number(relfilenode) };
}

/**
 * The events of one segment's dump, small enough to keep: runs of DELETEs by one transaction on
 * one file become one event with a row count, and deletes from catalogs (files below 16384)
 * are dropped unless `keepFile` asks for them (pg_class, to see that a relation went away).
 */
export class SegmentEventBuffer {
  readonly events: WalEvent[] = [];

  constructor(private readonly keepFile: (key: FileKey) => boolean = () => false) {}

  push(line: string): void {
    if (!mayBeEvent(line)) return;
    // Most lines of a big dump are DELETEs continuing a run: counted without the full parse.
    const last = this.events.at(-1);
    if (last?.kind === "delete" && line.startsWith("rmgr: Heap ")) {
      const quick = quickDelete(line);
      if (
        quick &&
        quick.xid === last.xid &&
        quick.database === last.file.database &&
        quick.relfilenode === last.file.relfilenode
      ) {
        last.rows += 1;
        return;
      }
    }
    const event = parseWaldumpEvent(line);
    if (!event) return;
    if (event.kind === "delete") {
      const key = fileKey(event.file.database, event.file.relfilenode);
      if (event.file.relfilenode < FIRST_NORMAL_OID && !this.keepFile(key)) return;
    }
    this.events.push(event);
  }
}

/** Everything one committed transaction (with its committed subtransactions) did that matters here. */
export interface CommittedTransaction {
  /** The top-level xid: the one recovery_target_xid names. */
  xid: number;
  subxacts: number[];
  commitLsn: string;
  commitTime: string | null;
  /** Rows deleted per file. */
  deletes: Map<FileKey, number>;
  /** Relation OIDs of TRUNCATE records (wal_level=logical only). */
  truncatedOids: number[];
  /** Main-fork files created, in WAL order. */
  createdFiles: FileRef[];
  /** Files unlinked at commit, in the commit record's order. */
  droppedFiles: FileRef[];
  /** "<db>/<oid>" of dropped relations (PostgreSQL 15+). */
  droppedStats: string[];
  /** The first segment (by the caller's numbering) holding a record of this transaction. */
  firstSegment: number;
}

interface Pending {
  deletes: Map<FileKey, number>;
  truncatedOids: number[];
  createdFiles: FileRef[];
  firstSegment: number;
}

/**
 * Folds events (in WAL order, across segments) into committed transactions. Records are kept
 * per xid until its commit or abort; an aborted transaction or subtransaction is forgotten, a
 * committed one is handed to `onCommit` with its committed subtransactions folded in.
 * `keepDelete` limits which files' deletes are counted (memory: a busy server deletes from many).
 */
export class TransactionAggregator {
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly onCommit: (transaction: CommittedTransaction) => void,
    private readonly keepDelete: (key: FileKey) => boolean = () => true,
  ) {}

  private entry(xid: number, segment: number): Pending {
    let pending = this.pending.get(xid);
    if (!pending) {
      pending = { deletes: new Map(), truncatedOids: [], createdFiles: [], firstSegment: segment };
      this.pending.set(xid, pending);
    }
    return pending;
  }

  add(event: WalEvent, segment = 0): void {
    switch (event.kind) {
      case "delete": {
        const key = fileKey(event.file.database, event.file.relfilenode);
        if (!this.keepDelete(key)) return;
        const deletes = this.entry(event.xid, segment).deletes;
        deletes.set(key, (deletes.get(key) ?? 0) + event.rows);
        return;
      }
      case "truncate":
        this.entry(event.xid, segment).truncatedOids.push(...event.relids);
        return;
      case "create":
        this.entry(event.xid, segment).createdFiles.push(event.file);
        return;
      case "abort":
        for (const xid of [event.xid, ...event.subxacts]) this.pending.delete(xid);
        return;
      case "commit": {
        const transaction: CommittedTransaction = {
          xid: event.xid,
          subxacts: event.subxacts,
          commitLsn: event.lsn,
          commitTime: event.time,
          deletes: new Map(),
          truncatedOids: [],
          createdFiles: [],
          droppedFiles: event.droppedFiles,
          droppedStats: event.droppedStats,
          firstSegment: segment,
        };
        let any = event.droppedFiles.length > 0 || event.droppedStats.length > 0;
        // Subtransaction xids are larger than their parent's and assigned later: WAL order.
        for (const xid of [event.xid, ...[...event.subxacts].sort((a, b) => a - b)]) {
          const pending = this.pending.get(xid);
          if (!pending) continue;
          this.pending.delete(xid);
          any = true;
          for (const [key, rows] of pending.deletes)
            transaction.deletes.set(key, (transaction.deletes.get(key) ?? 0) + rows);
          transaction.truncatedOids.push(...pending.truncatedOids);
          transaction.createdFiles.push(...pending.createdFiles);
          transaction.firstSegment = Math.min(transaction.firstSegment, pending.firstSegment);
        }
        if (any) this.onCommit(transaction);
        return;
      }
    }
  }

  /** Transactions with records and no commit or abort yet (their end is in a later segment). */
  get openTransactions(): number {
    return this.pending.size;
  }
}

/** The committed transactions of a dump's lines, in commit order (tests, small inputs). */
export function aggregateWaldump(lines: Iterable<string>): CommittedTransaction[] {
  const committed: CommittedTransaction[] = [];
  const aggregator = new TransactionAggregator((transaction) => committed.push(transaction));
  const buffer = new SegmentEventBuffer(() => true);
  for (const line of lines) buffer.push(line);
  for (const event of buffer.events) aggregator.add(event);
  return committed;
}

/**
 * pg_waldump reading one segment's heap, transaction and storage records (with a segment name
 * and no end segment it stops at that segment's end).
 */
export function waldumpEventArgs(options: { dir: string; timeline: number; segment: string }): string[] {
  return [
    `--path=${options.dir}`,
    `--timeline=${options.timeline}`,
    "--rmgr=Heap",
    "--rmgr=Transaction",
    "--rmgr=Storage",
    options.segment,
  ];
}
