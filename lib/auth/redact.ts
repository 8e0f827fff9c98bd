// Audit details and logs never carry secrets: any key that looks like one is replaced,
// at any depth. A pure module so it can be unit-tested.
// `identity` is an age secret key given for one restore from an encrypted copy.
const secretKey =
  /pass(word)?|secret|token|api[_-]?key|authorization|cookie|credential|^identity$|Identity$/i;

export const REDACTED = "[redacted]";

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        secretKey.test(key) ? REDACTED : redactSecrets(inner),
      ]),
    );
  }
  return value;
}
