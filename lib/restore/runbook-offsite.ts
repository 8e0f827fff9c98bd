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
  /** The copy is age-encrypted (to this recipient, shown so the reader picks the right key). */
  encrypted: boolean;
  recipient?: string;
  clusterName: string;
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
  const decrypt = offsite.encrypted
    ? `check_ciphertext "$2" && age --decrypt --identity "$AGE_KEY_FILE" --output "$2" "$2.age" && rm -f -- "$2.age"`
    : "";
  const where = `s3://${offsite.bucket}/${backupKey} at ${offsite.endpoint}`;

  return {
    titleKey: "offsite",
    title: "From the offsite copy",
    explanation: [
      `The local backup folder and WAL archive are not used: the backup's objects (${where}) and the WAL ${walEnd ? `from its first segment to ${walEnd.toWal} (the target's), on timeline${walEnd.timelines.length > 1 ? "s" : ""} ${walEnd.timelines.join(", ")}` : "from its first segment on"} come down into ${backupDir} and ${walDir}, which the next steps restore from.`,
      "Set the offsite repository's access key in the environment first (export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…); Walden never prints the stored secret. curl signs each request with AWS Signature V4 (--aws-sigv4, curl 7.75 or newer) and reads the key from its standard input, so it never shows in the process list.",
      offsite.encrypted
        ? `The copy is encrypted with age${offsite.recipient ? ` to ${offsite.recipient}` : ""}: set AGE_KEY_FILE to the file holding its identity (AGE-SECRET-KEY-1…), from escrow; without it the backup cannot be read. One file may hold several keys, one AGE-SECRET-KEY-1… line each (this repository's and the backup's own, when it is encrypted at rest too): age tries each.`
        : "",
      offsite.encrypted
        ? "Each object is checked against the SHA-256 of its ciphertext before age decrypts it: the backup's files against the copy's SHA256SUMS.ciphertext, each WAL file against the one the storage keeps with it (x-amz-meta-sha256); objects stored before Walden kept it are checked after decryption only. Then each WAL file is checked against the plaintext SHA-256 kept with it (x-amz-meta-plaintext-sha256), the backup's files against SHA256SUMS in the next steps."
        : "Each WAL file is checked against the plaintext SHA-256 the storage keeps with it (x-amz-meta-plaintext-sha256), the backup's files against SHA256SUMS in the next steps.",
    ]
      .filter(Boolean)
      .join(" "),
    commands: [
      orFail(
        `test -n "\${AWS_ACCESS_KEY_ID:-}" && test -n "\${AWS_SECRET_ACCESS_KEY:-}"`,
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the offsite repository's access key (export them), then run this again.",
      ),
      ...(offsite.encrypted
        ? [
            orFail(
              `test -r "\${AGE_KEY_FILE:-}"`,
              "Set AGE_KEY_FILE to a readable file holding the age identity (AGE-SECRET-KEY-1…) of this repository's key.",
            ),
          ]
        : []),
      orFail(
        `command -v curl >/dev/null${offsite.encrypted ? " && command -v age >/dev/null" : ""}`,
        `Install ${offsite.encrypted ? "curl and age (apt-get install curl age)" : "curl (apt-get install curl)"}.`,
      ),
      `install -d -m 0700 ${q(backupDir)} ${q(walDir)}`,
      // $1 the URL, $2 the file; the response's headers beside it (the WAL's checksum is there).
      [
        "s3_get() {",
        `  printf 'user = "%s:%s"\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" |`,
        `    curl --config - --silent --show-error --fail --aws-sigv4 ${q(`aws:amz:${offsite.region}:s3`)} \\`,
        `      -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' --dump-header "$2.headers" --output "$2" "$1" ||`,
        `    { echo "could not download $1 (check the access key, the bucket and the network)" >&2; return 1; }`,
        "}",
      ].join("\n"),
      ...(offsite.encrypted
        ? [
            // $1 the file: its .age checked against the ciphertext's SHA-256 kept in its headers (a
            // WAL segment) or in the copy's SHA256SUMS.ciphertext (a backup file), when kept.
            [
              "check_ciphertext() {",
              `  sum=$(tr -d '\r' < "$1.headers" | awk 'tolower($1) == "x-amz-meta-sha256:" { print $2 }')`,
              `  if [ -z "$sum" ] && [ -f ${q(`${backupDir}/${CIPHERTEXT_SUMS}`)} ]; then`,
              `    sum=$(awk -v f="\${1##*/}" '$2 == f { print $1 }' ${q(`${backupDir}/${CIPHERTEXT_SUMS}`)})`,
              "  fi",
              `  test -z "$sum" || printf '%s  %s\n' "$sum" "$1.age" | sha256sum --quiet -c - ||`,
              `    { echo "$1.age does not match the SHA-256 of its ciphertext kept for it: the object is damaged or was replaced" >&2; return 1; }`,
              "}",
            ].join("\n"),
          ]
        : []),
      [
        "fetch_object() {",
        offsite.encrypted
          ? `  s3_get "$1" "$2.age" && mv -- "$2.age.headers" "$2.headers" && ${decrypt}`
          : `  s3_get "$1" "$2"`,
        "}",
      ].join("\n"),
      // The copy's list of its objects' ciphertext SHA-256 (copies made before Walden wrote one have none).
      ...(offsite.encrypted
        ? [
            `s3_get ${q(`${backupUrl}/${CIPHERTEXT_SUMS}`)} ${q(`${backupDir}/${CIPHERTEXT_SUMS}`)} 2>/dev/null || rm -f -- ${q(`${backupDir}/${CIPHERTEXT_SUMS}`)}`,
          ]
        : []),
      `fetch_object ${q(`${backupUrl}/SHA256SUMS`)} ${q(`${backupDir}/SHA256SUMS`)}`,
      [
        `awk '{ sub(/^\\*/, "", $2); print $2 }' ${q(`${backupDir}/SHA256SUMS`)} | while read -r file; do`,
        `  case $file in *[!A-Za-z0-9._-]*) echo "unexpected file name in SHA256SUMS: $file" >&2; false ;; esac`,
        `  fetch_object ${q(`${backupUrl}/`)}"$file" ${q(`${backupDir}/`)}"$file"`,
        "done",
      ].join("\n"),
      // walden.json is the copy's plain descriptor (readable without the key).
      `s3_get ${q(`${backupUrl}/walden.json`)} ${q(`${backupDir}/walden.json`)}`,
      `rm -f -- ${q(backupDir)}/*.headers${offsite.encrypted ? ` ${q(`${backupDir}/${CIPHERTEXT_SUMS}`)}` : ""}`,
      [
        `: > ${q(`${walDir}/SHA256SUMS`)}`,
        "marker=''",
        "while :; do",
        `  s3_get ${listUrl('"$marker"')} ${q(`${walDir}/.list`)}`,
        `  for name in $(grep -oE '[0-9A-F]{8}(\\.history|[0-9A-F]{16})</Key>' ${q(`${walDir}/.list`)} | sed 's,</Key>,,'); do`,
        walFilter,
        `    fetch_object ${q(`${walUrl}/`)}"$name" ${q(`${walDir}/`)}"$name"`,
        `    sum=$(tr -d '\\r' < ${q(`${walDir}/`)}"$name.headers" | awk 'tolower($1) == "x-amz-meta-plaintext-sha256:" { print $2 }')`,
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
