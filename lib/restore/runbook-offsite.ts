import { offsiteBackupPrefix, offsiteWalPrefix } from "@/lib/offsite/stored-settings";
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
  const decrypt = offsite.encrypted
    ? `age --decrypt --identity "$AGE_KEY_FILE" --output "$2" "$2.age" && rm -f -- "$2.age"`
    : "";
  const where = `s3://${offsite.bucket}/${backupKey} at ${offsite.endpoint}`;

  return {
    title: "From the offsite copy",
    explanation: [
      `The local backup folder and WAL archive are not used: the backup's objects (${where}) and the WAL from its first segment on come down into ${backupDir} and ${walDir}, which the next steps restore from.`,
      "Set the offsite repository's access key in the environment first (export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…); Walden never prints the stored secret. curl signs each request with AWS Signature V4 (--aws-sigv4, curl 7.75 or newer) and reads the key from its standard input, so it never shows in the process list.",
      offsite.encrypted
        ? `The copy is encrypted with age${offsite.recipient ? ` to ${offsite.recipient}` : ""}: set AGE_KEY_FILE to the file holding its identity (AGE-SECRET-KEY-1…), from escrow; without it the backup cannot be read.`
        : "",
      "Each WAL file is checked against the plaintext SHA-256 the storage keeps with it (x-amz-meta-plaintext-sha256), the backup's files against SHA256SUMS in the next steps.",
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
      [
        "fetch_object() {",
        offsite.encrypted
          ? `  s3_get "$1" "$2.age" && mv -- "$2.age.headers" "$2.headers" && ${decrypt}`
          : `  s3_get "$1" "$2"`,
        "}",
      ].join("\n"),
      `fetch_object ${q(`${backupUrl}/SHA256SUMS`)} ${q(`${backupDir}/SHA256SUMS`)}`,
      [
        `awk '{ sub(/^\\*/, "", $2); print $2 }' ${q(`${backupDir}/SHA256SUMS`)} | while read -r file; do`,
        `  case $file in *[!A-Za-z0-9._-]*) echo "unexpected file name in SHA256SUMS: $file" >&2; false ;; esac`,
        `  fetch_object ${q(`${backupUrl}/`)}"$file" ${q(`${backupDir}/`)}"$file"`,
        "done",
      ].join("\n"),
      // walden.json is the copy's plain descriptor (readable without the key).
      `s3_get ${q(`${backupUrl}/walden.json`)} ${q(`${backupDir}/walden.json`)}`,
      `rm -f -- ${q(backupDir)}/*.headers`,
      [
        `: > ${q(`${walDir}/SHA256SUMS`)}`,
        "marker=''",
        "while :; do",
        `  s3_get ${listUrl('"$marker"')} ${q(`${walDir}/.list`)}`,
        `  for name in $(grep -oE '[0-9A-F]{8}(\\.history|[0-9A-F]{16})</Key>' ${q(`${walDir}/.list`)} | sed 's,</Key>,,'); do`,
        `    case $name in *.history) ;; *) if [[ "\${name:8}" < ${q(startPosition)} ]]; then continue; fi ;; esac`,
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
