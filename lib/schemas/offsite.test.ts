import { describe, expect, it } from "vitest";
import { offsiteRepositorySchema } from "./offsite";

const valid = {
  kind: "s3",
  endpoint: "https://s3.eu-west-1.amazonaws.com",
  region: "eu-west-1",
  bucket: "acme-pg-backups",
  prefix: "walden/prod/",
  forcePathStyle: false,
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  encryption: { enabled: true, recipient: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p" },
  retention: { days: 90, minBackups: 2 },
};

/** The message of the first problem at `path`, or undefined when the value passes. */
function problemAt(overrides: Record<string, unknown>, path: string): string | undefined {
  const result = offsiteRepositorySchema.safeParse({ ...valid, ...overrides });
  return result.success
    ? undefined
    : result.error.issues.find((issue) => issue.path.join(".") === path)?.message;
}

describe("offsiteRepositorySchema", () => {
  it("accepts AWS, MinIO and R2 settings; drops a trailing slash from the prefix", () => {
    const parsed = offsiteRepositorySchema.parse(valid);
    expect(parsed.prefix).toBe("walden/prod");
    const minio = { ...valid, endpoint: "http://127.0.0.1:9000", region: "us-east-1", forcePathStyle: true };
    expect(offsiteRepositorySchema.safeParse(minio).success).toBe(true);
    const r2 = { ...valid, endpoint: "https://0123abcd.r2.cloudflarestorage.com", region: "auto" };
    expect(offsiteRepositorySchema.safeParse(r2).success).toBe(true);
    const minimal = {
      ...valid,
      prefix: undefined,
      forcePathStyle: undefined,
      encryption: undefined,
      retention: undefined,
    };
    expect(offsiteRepositorySchema.safeParse(minimal).success).toBe(true);
  });

  it("refuses unknown keys and other kinds", () => {
    expect(problemAt({ secret: "x" }, "")).toMatch(/Unrecognized key/);
    expect(problemAt({ kind: "gcs" }, "kind")).toMatch(/only 's3'/);
  });

  it.each([
    ["s3.amazonaws.com", /http\(s\) URL/],
    ["ftp://storage.example.com", /https:\/\//],
    ["https://key:secret@s3.example.com", /credentials/],
    ["https://s3.example.com/my-bucket", /no path/],
    ["https://s3.example.com?x=1", /query/],
  ])("endpoint %s", (endpoint, message) => {
    expect(problemAt({ endpoint }, "endpoint")).toMatch(message);
  });

  it.each([
    ["ab", /3 to 63/],
    ["My-Bucket", /lowercase/],
    ["my_bucket", /lowercase/],
    ["-bucket", /start and end/],
    ["my..bucket", /'\.\.'/],
    ["my.-bucket", /next to/],
    ["192.168.1.10", /IP address/],
    ["xn--bucket", /reserved/],
  ])("bucket %s", (bucket, message) => {
    expect(problemAt({ bucket }, "bucket")).toMatch(message);
  });

  it.each([
    ["/walden", /must not start with '\/'/],
    ["walden/../other", /'\.\.'/],
    ["walden/./x", /'\.\.'|'\.'/],
    ["walden//x", /empty segments/],
    ["walden prod", /no spaces/],
  ])("prefix %s", (prefix, message) => {
    expect(problemAt({ prefix }, "prefix")).toMatch(message);
  });

  it("credentials without spaces or line breaks", () => {
    expect(problemAt({ secretAccessKey: "abc def" }, "secretAccessKey")).toMatch(/spaces, line breaks/);
    expect(problemAt({ accessKeyId: "" }, "accessKeyId")).toMatch(/required/);
  });

  it("encryption needs the recipient it encrypts to, in age's form", () => {
    expect(problemAt({ encryption: { enabled: true } }, "encryption.recipient")).toMatch(/age public key/);
    expect(
      problemAt({ encryption: { enabled: true, recipient: "ssh-ed25519 AAAA" } }, "encryption.recipient"),
    ).toMatch(/'age1'/);
    expect(problemAt({ encryption: { enabled: false } }, "encryption.recipient")).toBeUndefined();
  });

  it("retention in whole days and backups, at least one of each", () => {
    expect(problemAt({ retention: { days: 0, minBackups: 1 } }, "retention.days")).toMatch(/at least 1 day/);
    expect(problemAt({ retention: { days: 7, minBackups: 0 } }, "retention.minBackups")).toMatch(
      /at least one/,
    );
    expect(problemAt({ retention: { days: 1.5, minBackups: 1 } }, "retention.days")).toMatch(/whole number/);
  });
});
