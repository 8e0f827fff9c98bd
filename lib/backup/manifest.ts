import fs from "node:fs/promises";
import path from "node:path";

// pg_basebackup's backup_manifest (JSON): its WAL-Ranges give the LSNs and timeline the
// backup needs replayed to be consistent.

export interface ManifestSummary {
  timeline: number;
  startLsn: string;
  stopLsn: string;
  files: number;
}

interface ManifestJson {
  "PostgreSQL-Backup-Manifest-Version": number;
  Files: unknown[];
  "WAL-Ranges": { Timeline: number; "Start-LSN": string; "End-LSN": string }[];
}

export function parseManifest(text: string): ManifestSummary {
  const manifest = JSON.parse(text) as ManifestJson;
  const ranges = manifest["WAL-Ranges"];
  const first = ranges?.[0];
  const last = ranges?.at(-1);
  if (!first || !last) throw new Error("backup_manifest has no WAL-Ranges");
  return {
    timeline: last.Timeline,
    startLsn: first["Start-LSN"],
    stopLsn: last["End-LSN"],
    files: manifest.Files.length,
  };
}

export async function readManifest(backupDir: string): Promise<ManifestSummary> {
  return parseManifest(await fs.readFile(path.join(backupDir, "backup_manifest"), "utf8"));
}

/** "12345/67890 kB (18%), 0/1 tablespace" → 18 (pg_basebackup --progress on stderr). */
export function parseBasebackupProgress(line: string): number | null {
  const match = /\((\d{1,3})%\)/.exec(line);
  return match ? Math.min(100, Number(match[1])) : null;
}
