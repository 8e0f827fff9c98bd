import { keyFingerprint } from "@/lib/offsite/age";
import { shellQuote as q } from "@/lib/tools/shell-quote";
import { orFail } from "./runbook-shell";
import type { RunbookSection } from "./runbook-sections";

// The break-glass runbook's step for a WAL archive encrypted at rest (lib/wal/sealed-wal.ts):
// the WAL from the backup's start on — `<segment>.age` decrypted with Debian's `age` and only
// the key, each checked against the SHA-256 its `<segment>.age.json` names; plain segments (those
// archived before encryption was on) and timeline history files copied — into a private folder
// beside the data directory, which restore_command then reads. The copy never sees the key.

export function walDecryptSection(facts: {
  archivePath: string;
  walDir: string;
  /** The backup's first WAL segment: older WAL restores nothing. */
  startWal: string | null;
  recipients: string[];
}): RunbookSection {
  const from = q(facts.archivePath);
  const into = q(facts.walDir);
  // Segment names compare by their last 16 characters (log and segment number), whatever the timeline.
  const fromPosition = facts.startWal ? facts.startWal.slice(8) : "0000000000000000";
  const keys = facts.recipients.map((recipient) => `${keyFingerprint(recipient)} (${recipient})`).join(", ");
  return {
    titleKey: "decryptWal",
    title: "Decrypt the WAL archive (encrypted at rest with age)",
    explanation: [
      `The archive holds complete WAL segments encrypted (<segment>.age) to the age key${facts.recipients.length > 1 ? "s" : ""} ${keys}, each beside <segment>.age.json naming its plaintext's SHA-256; segments archived before encryption was turned on are plain.`,
      `With AGE_KEY_FILE set to the escrowed key file, the WAL from the backup's first segment on is decrypted (and checked) or copied into a private folder beside the data directory, with the timeline history files; restore_command reads that folder, so the restored server never needs the key. Remove the folder when the restore is done: it holds the plaintext.`,
    ].join(" "),
    commands: [
      orFail("command -v age >/dev/null", "Install age to decrypt the WAL archive (apt-get install age)."),
      orFail(
        'test -r "${AGE_KEY_FILE:-}"',
        "Set AGE_KEY_FILE to the escrowed age key file (export AGE_KEY_FILE=/path/to/key.txt).",
      ),
      `install -d -m 0700 ${into}`,
      [
        `(cd ${from} && for file in *; do`,
        '  case "$file" in',
        `    *.history) cp -- "$file" ${into}/ ;;`,
        "    ????????????????????????.age)",
        '      segment="${file%.age}"',
        `      [[ "\${segment:8}" < ${q(fromPosition)} ]] && continue`,
        `      age --decrypt -i "$AGE_KEY_FILE" -o ${into}/"$segment" "$file" || exit 1`,
        `      sum=$(sed -n 's/.*"sha256":"\\([0-9a-f]*\\)".*/\\1/p' "$segment.age.json")`,
        `      (cd ${into} && echo "$sum  $segment" | sha256sum --quiet -c -) || { echo "$segment decrypted to other bytes than $segment.age.json names" >&2; exit 1; } ;;`,
        "    ????????????????????????)",
        `      [[ "\${file:8}" < ${q(fromPosition)} ]] || cp -- "$file" ${into}/ ;;`,
        "  esac",
        "done)",
      ].join("\n"),
      `ls ${into} | wc -l`,
    ],
  };
}
