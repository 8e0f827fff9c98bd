import { CIPHERTEXT_SUMS } from "@/lib/backup/at-rest";
import { listOffsiteWal } from "@/lib/offsite/offsite-wal-listing";
import type { S3Repository } from "@/lib/offsite/s3-repository";
import { offsiteBackupPrefix, offsiteWalPrefix } from "@/lib/offsite/stored-settings";
import { parseLsn } from "@/lib/replication/lsn";
import type { RestoreTarget } from "@/lib/schemas/restore";
import { walFileName } from "@/lib/wal/segments";
import { shellQuote } from "@/lib/tools/shell-quote";
import type { RunbookSection } from "./runbook-sections";
import { orFail } from "./runbook-shell";
import {
  CHECKS_EXPLANATION,
  fetchFunctions,
  keysExplanation,
  listsAtRest,
  type RunbookKeys,
} from "./runbook-offsite-fetch";

// The runbook's "From the offsite copy" step (issue 14): with the worker's disk gone, the backup's
// objects and the WAL it needs come down from the offsite repository with standard tools only —
// curl's --aws-sigv4 (curl 7.75+, Debian 12 has 7.88), age, sha256sum — into a folder the rest
// of the runbook then restores from. The credentials come from the reader's environment, never
// from Walden's catalog: the runbook is printed, and a printed secret is a leaked one.

/** The offsite repository as the runbook needs it: where the objects are, never the secret. */
export interface RunbookOffsiteSource {
  endpoint: string;
  region: string;
  bucket: string;
  prefix?: string;
  forcePathStyle: boolean;
  /** The repository encrypts what it is sent (to this recipient, shown so the reader picks the right key). */
  encrypted: boolean;
  recipient?: string;
  clusterName: string;
  /** The backup was encrypted at rest to this recipient before it was copied: its copy holds <file>.age. */
  backupRecipient?: string;
  /** Recipients the local WAL archive was sealed to: such segments were shipped as their age bytes. */
  walSealedTo?: string[];
  /** The backup's checksum (the SHA-256 of its SHA256SUMS), when the catalog has it. */
  sumsSha256?: string;
  /** The SHA-256 the catalog kept of the copy's SHA256SUMS.ciphertext, when it has one. */
  ciphertextSumsSha256?: string;
}

export interface OffsiteSectionFacts {
  offsite: RunbookOffsiteSource;
  backupId: string;
  /** The backup's first WAL segment: older WAL restores nothing and is not downloaded. */
  startWal: string | null;
  /** Where the backup's files go (the later steps' backup folder). */
  backupDir: string;
  /** Where the WAL goes (the later steps' archive folder, read by restore_command). */
  walDir: string;
  /**
   * The WAL replay needs, when Walden could tell (walRangeForRunbook): up to the target's
   * segment, on these timelines only. Without it, every segment from the backup's start on.
   */
  walEnd?: RunbookWalEnd | null;
}

export interface RunbookWalEnd {
  /** The last segment replay reads (the one holding the record the target stops at). */
  toWal: string;
  /** The timelines replay follows, from the backup's to the target's. */
  timelines: number[];
}

/** RFC 3986 unreserved characters stay; everything else is %XX, as SigV4's canonical URI wants. */
function uriEncode(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

const encodeKey = (key: string) => key.split("/").map(uriEncode).join("/");

/** The bucket's base URL: path-style (endpoint/bucket) or virtual-hosted (bucket.host), as the repository says. */
export function bucketUrl(
  offsite: Pick<RunbookOffsiteSource, "endpoint" | "bucket" | "forcePathStyle">,
): string {
  const endpoint = new URL(offsite.endpoint);
  const base = endpoint.pathname.replace(/\/+$/, "");
  if (offsite.forcePathStyle) return `${endpoint.origin}${base}/${uriEncode(offsite.bucket)}`;
  return `${endpoint.protocol}//${offsite.bucket}.${endpoint.host}${base}`;
}

/** The full object key of a repository-relative key (the repository's prefix in front). */
const fullKey = (offsite: RunbookOffsiteSource, key: string) =>
  offsite.prefix ? `${offsite.prefix}/${key}` : key;

export function offsiteSection(facts: OffsiteSectionFacts): RunbookSection {
  const { offsite, backupId, startWal, backupDir, walDir } = facts;
  const q = shellQuote;
  const bucket = bucketUrl(offsite);
  const backupKey = fullKey(offsite, offsiteBackupPrefix(offsite.clusterName, backupId));
  const walKey = fullKey(offsite, offsiteWalPrefix(offsite.clusterName));
  const backupUrl = `${bucket}/${encodeKey(backupKey)}`;
  const walUrl = `${bucket}/${encodeKey(walKey)}`;
  // ListObjects (v1, paged by marker): its query parameters in sorted order, because curl 7.88
  // signs them in the order given while S3 sorts them before checking the signature.
  const listUrl = (marker: string) =>
    `${q(`${offsite.forcePathStyle ? bucket : `${bucket}/`}?marker=`)}${marker}${q(`&prefix=${uriEncode(`${walKey}/`)}`)}`;
  const markerPrefix = uriEncode(`${walKey}/`);
  const startPosition = startWal && /^[0-9A-F]{24}$/.test(startWal) ? startWal.slice(8) : "0".repeat(16);
  const walEnd =
    facts.walEnd && /^[0-9A-F]{24}$/.test(facts.walEnd.toWal) && facts.walEnd.timelines.length
      ? facts.walEnd
      : null;
  const timelineNames = walEnd?.timelines.map((timeline) =>
    timeline.toString(16).toUpperCase().padStart(8, "0"),
  );
  // Only the segments replay reads: up to the target's, on the timelines it follows (and those
  // timelines' history files); else all of them from the backup's start.
  const walFilter = walEnd
    ? [
        `    case $name in`,
        `      ${timelineNames!.map((t) => `${t}.history`).join("|")}) ;;`,
        `      *.history) continue ;;`,
        `      ${timelineNames!.map((t) => `${t}*`).join("|")}) if [[ "\${name:8}" < ${q(startPosition)} || "\${name:8}" > ${q(walEnd.toWal.slice(8))} ]]; then continue; fi ;;`,
        `      *) continue ;;`,
        `    esac`,
      ].join("\n")
    : `    case $name in *.history) ;; *) if [[ "\${name:8}" < ${q(startPosition)} ]]; then continue; fi ;; esac`;
  const where = `s3://${offsite.bucket}/${backupKey} at ${offsite.endpoint}`;
  const keys: RunbookKeys = {
    ...(offsite.encrypted && offsite.recipient ? { repository: offsite.recipient } : {}),
    ...(offsite.backupRecipient ? { backup: offsite.backupRecipient } : {}),
    wal: offsite.walSealedTo ?? [],
  };
  // A key is known to be needed up front; else an object whose headers say age asks for it then.
  const needsKey = offsite.encrypted || Boolean(offsite.backupRecipient) || keys.wal.length > 0;
  const ciphertextSums = `${backupDir}/${CIPHERTEXT_SUMS}`;
  const keyText = keysExplanation(keys);

  return {
    titleKey: "offsite",
    title: "From the offsite copy",
    explanation: [
      `The local backup folder and WAL archive are not used: the backup's objects (${where}) and the WAL ${walEnd ? `from its first segment to ${walEnd.toWal} (the target's), on timeline${walEnd.timelines.length > 1 ? "s" : ""} ${walEnd.timelines.join(", ")}` : "from its first segment on"} come down into ${backupDir} and ${walDir}, which the next steps restore from.`,
      "Set the offsite repository's access key in the environment first (export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…); Walden never prints the stored secret. curl signs each request with AWS Signature V4 (--aws-sigv4, curl 7.75 or newer) and reads the key from its standard input, so it never shows in the process list.",
      keyText ||
        (offsite.encrypted
          ? "The copy is encrypted with age: set AGE_KEY_FILE to the file holding its identity (AGE-SECRET-KEY-1…), from escrow; without it the backup cannot be read."
          : "No object is known to be encrypted; should one be (its headers say so), the script stops and asks for AGE_KEY_FILE, the file holding the identity (AGE-SECRET-KEY-1…) of the key it names."),
      CHECKS_EXPLANATION,
    ]
      .filter(Boolean)
      .join(" "),
    commands: [
      orFail(
        `test -n "\${AWS_ACCESS_KEY_ID:-}" && test -n "\${AWS_SECRET_ACCESS_KEY:-}"`,
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the offsite repository's access key (export them), then run this again.",
      ),
      ...(needsKey
        ? [
            orFail(
              `test -r "\${AGE_KEY_FILE:-}"`,
              "Set AGE_KEY_FILE to a readable file holding the age identity (AGE-SECRET-KEY-1…) of every key named above (one line each).",
            ),
          ]
        : []),
      orFail(
        `command -v curl >/dev/null${needsKey ? " && command -v age >/dev/null" : ""}`,
        `Install ${needsKey ? "curl and age (apt-get install curl age)" : "curl (apt-get install curl)"}.`,
      ),
      `install -d -m 0700 ${q(backupDir)} ${q(walDir)}`,
      ...fetchFunctions({ region: offsite.region, ciphertextSums }),
      // The copy's list of its stored objects' SHA-256 (a plain copy, or one made before Walden
      // wrote it, has none), checked against the one the catalog kept for the copy.
      [
        `s3_get ${q(`${backupUrl}/${CIPHERTEXT_SUMS}`)} ${q(ciphertextSums)} 2>/dev/null || rm -f -- ${q(ciphertextSums)}`,
        ...(offsite.ciphertextSumsSha256
          ? [
              `test ! -f ${q(ciphertextSums)} || printf '%s  %s\\n' ${q(offsite.ciphertextSumsSha256)} ${q(ciphertextSums)} | sha256sum --quiet -c - ||`,
              `  { echo ${q(`${CIPHERTEXT_SUMS} differs from the one Walden recorded for this copy: the copy was changed`)} >&2; false; }`,
            ]
          : []),
      ].join("\n"),
      `fetch_object ${q(`${backupUrl}/SHA256SUMS`)} ${q(`${backupDir}/SHA256SUMS`)}`,
      ...(offsite.sumsSha256
        ? [
            orFail(
              `printf '%s  %s\\n' ${q(offsite.sumsSha256)} ${q(`${backupDir}/SHA256SUMS`)} | sha256sum --quiet -c -`,
              "SHA256SUMS differs from the backup's checksum in Walden's catalog: the copy is not this backup's",
            ),
          ]
        : []),
      [
        `awk '{ sub(/^\\*/, "", $2); print $2 }' ${q(`${backupDir}/SHA256SUMS`)} | while read -r file; do`,
        `  case $file in *[!A-Za-z0-9._-]*) echo "unexpected file name in SHA256SUMS: $file" >&2; false ;; esac`,
        // Encrypted at rest before it was copied: the copy holds <file>.age, its list says so.
        `  if ${listsAtRest(ciphertextSums, "$file")}; then`,
        `    fetch_object ${q(`${backupUrl}/`)}"$file.age" ${q(`${backupDir}/`)}"$file" age`,
        "  else",
        `    fetch_object ${q(`${backupUrl}/`)}"$file" ${q(`${backupDir}/`)}"$file"`,
        "  fi",
        "done",
      ].join("\n"),
      // walden.json is the copy's plain descriptor (readable without the key).
      `s3_get ${q(`${backupUrl}/walden.json`)} ${q(`${backupDir}/walden.json`)}`,
      `rm -f -- ${q(backupDir)}/*.headers ${q(ciphertextSums)}`,
      [
        `: > ${q(`${walDir}/SHA256SUMS`)}`,
        "marker=''",
        "while :; do",
        `  s3_get ${listUrl('"$marker"')} ${q(`${walDir}/.list`)}`,
        `  for name in $(grep -oE '[0-9A-F]{8}(\\.history|[0-9A-F]{16})</Key>' ${q(`${walDir}/.list`)} | sed 's,</Key>,,'); do`,
        walFilter,
        // Decrypted when its headers say age: sealed at rest locally, or by the repository.
        `    fetch_object ${q(`${walUrl}/`)}"$name" ${q(`${walDir}/`)}"$name"`,
        `    sum=$(header ${q(`${walDir}/`)}"$name.headers" x-amz-meta-plaintext-sha256)`,
        `    test -n "$sum" || { echo "the storage keeps no checksum for $name" >&2; false; }`,
        `    printf '%s  %s\\n' "$sum" "$name" >> ${q(`${walDir}/SHA256SUMS`)}`,
        `    rm -f -- ${q(`${walDir}/`)}"$name.headers"`,
        "  done",
        `  grep -q '<IsTruncated>true</IsTruncated>' ${q(`${walDir}/.list`)} || break`,
        `  marker=${q(markerPrefix)}$(grep -oE '<Key>[^<]*</Key>' ${q(`${walDir}/.list`)} | tail -n 1 | sed -E 's,.*/([^/]*)</Key>,\\1,')`,
        "done",
        `rm -f -- ${q(`${walDir}/.list`)} ${q(`${walDir}/.list.headers`)}`,
      ].join("\n"),
      `(cd ${q(walDir)} && sha256sum --quiet -c SHA256SUMS && echo "WAL checked: $(wc -l < SHA256SUMS) files")`,
    ],
  };
}

/** HeadObject requests the runbook spends looking for a time target's segment before giving up. */
const MAX_HEADS = 4096;

/**
 * The WAL a runbook from offsite needs, from the offsite copy's own facts: the target's segment
 * for an `immediate` (the backup's stop segment), an `lsn` (arithmetic) or a `time` target (the
 * first segment from the backup's start whose last commit is after the target, from the commit
 * times the shipper stored with each object, so no key is needed). Only on one timeline: when
 * the offsite WAL holds a later timeline (a history file) or another timeline's segments after
 * the backup's start, and for xid, name and latest targets, null: the runbook then downloads
 * every segment from the backup's start, as recovery may need any of them.
 */
export async function walEndForRunbook(
  repository: S3Repository,
  clusterName: string,
  backup: { startWal: string | null; stopWal: string | null; timeline: number | null },
  target: RestoreTarget | undefined,
): Promise<RunbookWalEnd | null> {
  const start = backup.startWal;
  if (!target || !start || !/^[0-9A-F]{24}$/.test(start) || backup.timeline === null) return null;
  if (target.type !== "immediate" && target.type !== "lsn" && target.type !== "time") return null;
  const listing = await listOffsiteWal(repository, clusterName);
  const timeline = backup.timeline;
  const later = listing.segments.filter((segment) => segment.name.slice(8) >= start.slice(8));
  const otherTimelines =
    listing.historyNames.some((name) => parseInt(name.slice(0, 8), 16) > timeline) ||
    later.some((segment) => segment.timeline !== timeline);
  if (otherTimelines) return null;
  const held = (name: string) => later.some((segment) => segment.name === name);
  const end = (toWal: string) => (held(toWal) ? { toWal, timelines: [timeline] } : null);
  if (target.type === "immediate") return backup.stopWal ? end(backup.stopWal) : null;
  if (target.type === "lsn") {
    const segno = Number(parseLsn(target.value) / BigInt(listing.segmentSize));
    const toWal = walFileName(timeline, segno, listing.segmentSize);
    return toWal.slice(8) >= start.slice(8) ? end(toWal) : null;
  }
  const after = Date.parse(target.value);
  if (Number.isNaN(after)) return null;
  for (const segment of later.slice(0, MAX_HEADS)) {
    const head = await repository.head(`${listing.prefix}${segment.name}`);
    // Shipped before segments carried their commit times: not known, so all of it.
    if (!head?.walCommits) return null;
    const last = head.walCommits.last;
    if (last && Date.parse(last.time) > after) return { toWal: segment.name, timelines: [timeline] };
  }
  return null;
}
