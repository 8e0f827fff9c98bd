import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

// Passwords reach PostgreSQL programs only through a 0600 passfile that lives as long as
// the program (design.md "Safety rules"): never argv, never a logged environment variable.

export interface PassfileEntry {
  host: string;
  /** "*": any port of the host (the sandbox's replicator streams from the primary and a standby). */
  port: number | "*";
  user: string;
  password: string;
}

/** libpq's .pgpass syntax: ':' and '\' inside a field are escaped with '\'. */
export function passfileLine(entry: PassfileEntry): string {
  const escape = (value: string) => value.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
  return [entry.host, String(entry.port), "*", entry.user, entry.password].map(escape).join(":");
}

/** Writes the passfile, runs `work` with its path, and always deletes it afterwards. */
export async function withPassfile<T>(
  entries: PassfileEntry[],
  work: (file: string | undefined) => Promise<T>,
): Promise<T> {
  if (entries.length === 0) return work(undefined);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-pass-"));
  const file = path.join(dir, "pgpass");
  try {
    await fs.writeFile(file, entries.map(passfileLine).join("\n") + "\n", { mode: 0o600 });
    return await work(file);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
