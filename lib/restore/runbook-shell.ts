import { shellQuote } from "@/lib/tools/shell-quote";

// The shell idioms the runbook's steps are written with: every path quoted by shellQuote,
// every check one that stops a script and only returns 1 when pasted into a shell.

/** What tar needs to unpack each compression pg_basebackup writes (as in lib/backup/verify.ts). */
const TAR_DECOMPRESS: Record<string, { flags: string[]; program: string | null }> = {
  ".lz4": { flags: ["-I", "lz4"], program: "lz4" },
  ".zst": { flags: ["-I", "zstd"], program: "zstd" },
  ".gz": { flags: ["-z"], program: "gzip" },
  "": { flags: [], program: null },
};

const HEREDOC_END = "WALDEN_EOF";

function suffixOf(file: string): string {
  return Object.keys(TAR_DECOMPRESS).find((ending) => ending && file.endsWith(ending)) ?? "";
}

/** The program tar needs to unpack this archive; null for a plain tar. */
export function decompressorOf(file: string): string | null {
  return TAR_DECOMPRESS[suffixOf(file)]!.program;
}

/**
 * What a root shell runs so the postgres OS user can read a folder Walden's worker wrote (0700,
 * files 0600); `parent` is Walden's own folder above it (a backup's cluster folder), also 0700.
 */
export function grantRead(folder: string, parent?: string): string {
  const above = parent ? `chgrp postgres ${shellQuote(parent)} && chmod g+x ${shellQuote(parent)} && ` : "";
  return `${above}chgrp -R postgres ${shellQuote(folder)} && chmod -R g+rX ${shellQuote(folder)} (each folder above ${parent ? "them" : "it"} must be searchable too)`;
}

export function untar(archive: string, into: string): string {
  const { flags } = TAR_DECOMPRESS[suffixOf(archive)]!;
  return ["tar", ...flags, "-x", "-f", shellQuote(archive), "-C", shellQuote(into)].join(" ");
}

export function heredoc(operator: ">" | ">>", file: string, text: string): string {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  return `cat ${operator} ${shellQuote(file)} <<'${HEREDOC_END}'\n${body}${HEREDOC_END}`;
}

/** `test … || { echo reason >&2; false; }`: stops a script, and only returns 1 when pasted into a shell. */
export function orFail(check: string, reason: string): string {
  return `${check} || { echo ${shellQuote(reason)} >&2; false; }`;
}
