import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Writes SHA256SUMS (sha256sum's format, so `sha256sum -c SHA256SUMS` checks it by hand) for
 * every file below `dir`, and returns the SHA-256 of that list: one value that changes if any
 * file does.
 */
export async function writeChecksums(dir: string): Promise<string> {
  const files: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name !== "SHA256SUMS")
      files.push(path.relative(dir, path.join(entry.parentPath, entry.name)));
  }
  files.sort();
  const lines: string[] = [];
  for (const file of files) lines.push(`${await sha256File(path.join(dir, file))}  ${file}`);
  const list = lines.join("\n") + "\n";
  await fs.writeFile(path.join(dir, "SHA256SUMS"), list);
  return createHash("sha256").update(list).digest("hex");
}
