// What a WAL segment's commit records come to (read by waldump.ts, kept in a sealed
// segment's facts file by sealed-names.ts): a file of its own so neither imports the other.

export interface CommitRecord {
  xid: number;
  lsn: string;
  /** ISO-8601 with offset, microseconds kept as pg_waldump prints them. */
  time: string;
}

export interface SegmentCommits {
  /** Commit records in the segment (COMMIT and COMMIT_PREPARED). */
  count: number;
  first: CommitRecord | null;
  last: CommitRecord | null;
  /** Commit lines whose time could not be read (a non-UTC time zone abbreviation). */
  unreadableTimes: number;
}
