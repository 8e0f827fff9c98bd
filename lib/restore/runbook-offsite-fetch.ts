import { CIPHERTEXT_SUMS } from "@/lib/backup/at-rest";
import { keyFingerprint } from "@/lib/offsite/age";
import { shellQuote as q } from "@/lib/tools/shell-quote";

// The offsite step's shell functions: one object down, decrypted only when IT is age ciphertext.
// Which objects are is the copy's own say, per object, never the repository setting alone: an
// unencrypted repository still holds ciphertext when the local archive was sealed at rest (each
// segment shipped as its .age bytes, its headers saying x-amz-meta-encryption: age) or the
// backup was encrypted at rest (copied as <file>.age, listed in the copy's SHA256SUMS.ciphertext);
// an encrypting repository holds objects under their own names, headers saying so too.

/** The age keys objects of this copy may be encrypted to, each with what it opens. */
export interface RunbookKeys {
  /** The offsite repository's recipient, when it encrypts. */
  repository?: string;
  /** The backup's own recipient, when it was encrypted at rest before it was copied. */
  backup?: string;
  /** Recipients the local WAL archive was sealed to (segments shipped as they were sealed). */
  wal: string[];
}

/** The key sentences of the explanation; empty when no object is known to need a key. */
export function keysExplanation(keys: RunbookKeys): string {
  const name = (recipient: string) => `${keyFingerprint(recipient)} (${recipient})`;
  const parts = [
    keys.repository ? `the copy, by this repository, to ${name(keys.repository)}` : "",
    keys.backup
      ? `the backup's files, encrypted at rest before they were copied, to ${name(keys.backup)}`
      : "",
    keys.wal.length
      ? `the WAL segments sealed at rest in the local archive (shipped as they were), to ${keys.wal.map(name).join(", ")}`
      : "",
  ].filter(Boolean);
  if (!parts.length) return "";
  return `Objects here may be encrypted with age: ${parts.join("; ")}. Set AGE_KEY_FILE to the file holding ${parts.length > 1 || keys.wal.length > 1 ? "those keys'" : "that key's"} identity (AGE-SECRET-KEY-1…), from escrow; without it the backup cannot be read. One file may hold several keys, one AGE-SECRET-KEY-1… line each: age tries each.`;
}

export const CHECKS_EXPLANATION =
  "Each object is decrypted only when it is age ciphertext, as its own headers (x-amz-meta-encryption: age) or the copy's SHA256SUMS.ciphertext (the <file>.age objects of a backup encrypted at rest) say, so a copy mixing plain and encrypted objects reads right. The stored bytes are checked first against the SHA-256 kept for them (x-amz-meta-sha256, else the copy's SHA256SUMS.ciphertext; objects stored before Walden kept it are checked after decryption only). Then each WAL file is checked against the plaintext SHA-256 kept with it (x-amz-meta-plaintext-sha256), SHA256SUMS against the backup's checksum when Walden has it, and the backup's files against SHA256SUMS in the next steps.";

/**
 * The functions (bash): s3_get (one signed GET, headers beside the file), header (one of them),
 * need_key and fetch_object ($1 the URL, $2 the file, $3 "age" when the copy lists the object as
 * a backup file encrypted at rest).
 */
export function fetchFunctions(facts: { region: string; ciphertextSums: string }): string[] {
  const sums = q(facts.ciphertextSums);
  return [
    [
      "s3_get() {",
      `  printf 'user = "%s:%s"\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" |`,
      `    curl --config - --silent --show-error --fail --aws-sigv4 ${q(`aws:amz:${facts.region}:s3`)} \\`,
      `      -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' --dump-header "$2.headers" --output "$2" "$1" ||`,
      `    { echo "could not download $1 (check the access key, the bucket and the network)" >&2; return 1; }`,
      "}",
    ].join("\n"),
    // $1 the headers file, $2 the header's name in lower case.
    `header() { tr -d '\\r' < "$1" | awk -v h="$2:" 'tolower($1) == h { print $2 }' | tail -n 1; }`,
    [
      "need_key() {",
      `  command -v age >/dev/null || { echo "$1 is encrypted with age: install age (apt-get install age)" >&2; return 1; }`,
      `  test -r "\${AGE_KEY_FILE:-}" || { echo "$1 is encrypted with age\${2:+ to $2}: set AGE_KEY_FILE to a readable file holding that key's identity (AGE-SECRET-KEY-1…)" >&2; return 1; }`,
      "}",
    ].join("\n"),
    [
      "fetch_object() {",
      `  s3_get "$1" "$2.part" || return 1`,
      `  mv -- "$2.part.headers" "$2.headers"`,
      // The stored bytes' SHA-256: kept with the object, else in the copy's list of them.
      `  sum=$(header "$2.headers" x-amz-meta-sha256)`,
      `  if [ -z "$sum" ] && [ -f ${sums} ]; then sum=$(awk -v f="\${1##*/}" '$2 == f { print $1 }' ${sums}); fi`,
      `  if [ "\${3:-}" = age ] || [ "$(header "$2.headers" x-amz-meta-encryption)" = age ]; then`,
      `    mv -- "$2.part" "$2.age"`,
      `    test -z "$sum" || printf '%s  %s\\n' "$sum" "$2.age" | sha256sum --quiet -c - ||`,
      `      { echo "$2.age does not match the SHA-256 of its ciphertext kept for it: the object is damaged or was replaced" >&2; return 1; }`,
      `    need_key "\${1##*/}" "$(header "$2.headers" x-amz-meta-age-recipient)" || return 1`,
      `    age --decrypt --identity "$AGE_KEY_FILE" --output "$2" "$2.age" && rm -f -- "$2.age"`,
      "  else",
      `    mv -- "$2.part" "$2"`,
      `    test -z "$sum" || printf '%s  %s\\n' "$sum" "$2" | sha256sum --quiet -c - ||`,
      `      { echo "$2 does not match the SHA-256 kept for it: the object is damaged or was replaced" >&2; return 1; }`,
      "  fi",
      "}",
    ].join("\n"),
  ];
}

/** `[ -f list ] && list lists "<file>.age"`: the copy holds the file encrypted at rest. */
export function listsAtRest(ciphertextSums: string, fileVar: string): string {
  return `[ -f ${q(ciphertextSums)} ] && awk -v f="${fileVar}.age" '$2 == f { found = 1 } END { exit !found }' ${q(ciphertextSums)}`;
}

export { CIPHERTEXT_SUMS };
