import { CIPHERTEXT_SUMS } from "@/lib/backup/at-rest";
import { keyFingerprint } from "@/lib/offsite/age";
import { shellQuote as q } from "@/lib/tools/shell-quote";
import { orFail } from "./runbook-shell";
import type { RunbookSection } from "./runbook-sections";

// The break-glass runbook's first step for a backup encrypted at rest in the local repository
// (lib/backup/at-rest.ts): its <file>.age files decrypted with Debian's `age` and only the key
// into a private folder beside the data directory, which the later steps read as the backup.

/** The folder names of an encrypted backup's listing, as the plain backup had them. */
export function plainNames(files: string[] | undefined): string[] | undefined {
  return files?.filter((file) => file.endsWith(".age")).map((file) => file.slice(0, -".age".length));
}

export function decryptSection(facts: {
  backupPath: string;
  decryptDir: string;
  recipient: string;
}): RunbookSection {
  const from = q(facts.backupPath);
  const into = q(facts.decryptDir);
  return {
    titleKey: "decrypt",
    title: "Decrypt the backup (encrypted at rest with age)",
    explanation: [
      `The backup's files are stored encrypted (<file>.age) to the age key whose fingerprint is ${keyFingerprint(facts.recipient)} (${facts.recipient}).`,
      "Put its secret key file where the postgres OS user can read it and set AGE_KEY_FILE to it. First the stored files are checked against SHA256SUMS.ciphertext, then each is decrypted with age into a private folder beside the data directory, which the next steps read as the backup (SHA256SUMS there names the plaintext). Remove that folder when the restore is done: it holds the plaintext.",
    ].join(" "),
    commands: [
      orFail("command -v age >/dev/null", "Install age to decrypt this backup (apt-get install age)."),
      orFail(
        'test -r "${AGE_KEY_FILE:-}"',
        "Set AGE_KEY_FILE to the escrowed age key file (export AGE_KEY_FILE=/path/to/key.txt).",
      ),
      `(cd ${from} && sha256sum --quiet -c ${CIPHERTEXT_SUMS})`,
      `install -d -m 0700 ${into}`,
      [
        `(cd ${from} && for file in *.age; do`,
        `  age --decrypt -i "$AGE_KEY_FILE" -o ${into}/"\${file%.age}" "$file" || exit 1`,
        "done)",
      ].join("\n"),
      `cp ${from}/SHA256SUMS ${from}/walden.json ${into}/`,
    ],
  };
}
