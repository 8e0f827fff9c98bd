// Argument lists for Debian's `age` and `age-keygen` (the break-glass path: decrypting a
// backup with only the key, no Walden). Each value is its own argument; no shell parses them.

/** age -d: decrypt `input` into `output` with the identities in `identityFile`. */
export function ageDecryptArgs(options: { identityFile: string; input: string; output: string }): string[] {
  return ["--decrypt", "--identity", options.identityFile, "--output", options.output, options.input];
}

/** age -e: encrypt `input` into `output` (binary, not armored) to each recipient ("age1…"). */
export function ageEncryptArgs(options: { recipients: string[]; input: string; output: string }): string[] {
  if (!options.recipients.length) throw new Error("age needs at least one recipient to encrypt to");
  return [
    "--encrypt",
    ...options.recipients.flatMap((recipient) => ["--recipient", recipient]),
    "--output",
    options.output,
    options.input,
  ];
}

/** age-keygen -o: a new identity file (mode 0600, age-keygen's own choice). */
export function ageKeygenArgs(options: { output: string }): string[] {
  return ["-o", options.output];
}

/** age-keygen -y: the recipient ("age1…") of the identity file `identityFile`, on stdout. */
export function ageRecipientArgs(options: { identityFile: string }): string[] {
  return ["-y", options.identityFile];
}
