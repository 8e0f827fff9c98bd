import type { Runbook } from "@/lib/restore/runbook";
import { getBackupRunbookOrThrow } from "@/lib/restore/runbook-load";
import type { RestoreSource } from "@/lib/schemas/restore";

// The runbook as one bash script a person downloads and runs (or reads) when Walden is down.

function commentLines(text: string, width = 96): string[] {
  const lines: string[] = [];
  let line = "#";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length + word.length + 1 > width && line !== "#") {
      lines.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/**
 * The whole runbook as one bash script with comments, in English whatever the console's language
 * (each section's English `title`, not its translated `titleKey`): the script is read in a server's
 * terminal beside PostgreSQL's own English log lines. The last section's choices are printed
 * commented out: promoting or deleting is a person's decision, not a script's.
 */
export function runbookScript(runbook: Runbook): string {
  const out: string[] = [
    "#!/usr/bin/env bash",
    `# ${runbook.title}`,
    runbook.downloadDir
      ? `# Backup ${runbook.backup.id}, PostgreSQL ${runbook.backup.serverVersion}, from its offsite copy (downloaded to ${runbook.downloadDir})`
      : `# Backup ${runbook.backup.id}, PostgreSQL ${runbook.backup.serverVersion}, in ${runbook.backup.path}`,
    "#",
    ...runbook.warnings.flatMap((warning) => commentLines(`WARNING: ${warning}`)),
    "set -eu",
  ];
  // The offsite download comes before the local steps as step 0, so their "step N" references hold.
  const first = runbook.source === "offsite" ? 0 : 1;
  runbook.sections.forEach((section, index) => {
    out.push("", `# ── ${index + first}. ${section.title} ──`, ...commentLines(section.explanation));
    if (section.manual) {
      out.push("# Not run by this script: choose one and run it by hand.");
      for (const command of section.commands) out.push(...command.split("\n").map((line) => `#   ${line}`));
    } else {
      out.push(...section.commands);
    }
  });
  return `${out.join("\n")}\n`;
}

/**
 * The runbook as JSON, or with `format=text` as one bash script to download; `source` asks for
 * the one from the local or the offsite copy (default: local when whole, else offsite).
 */
export async function runbookResponse(
  backupId: string,
  format: string | null,
  source?: RestoreSource,
): Promise<Response> {
  const runbook = await getBackupRunbookOrThrow(backupId, { source });
  if (format !== "text") return Response.json(runbook);
  return new Response(runbookScript(runbook), {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `inline; filename="walden-restore-${runbook.backup.id.slice(0, 8)}.sh"`,
    },
  });
}
