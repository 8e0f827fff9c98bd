import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { buildRunbook, type RunbookInput } from "@/lib/restore/runbook";
import { bucketUrl, type RunbookOffsiteSource } from "@/lib/restore/runbook-offsite";
import { runbookScript } from "@/lib/restore/runbook-script";

// The runbook's offsite step as text (its commands are run for real in runbook-offsite.pg.test.ts).

const offsite: RunbookOffsiteSource = {
  endpoint: "https://s3.eu-west-1.amazonaws.com",
  region: "eu-west-1",
  bucket: "acme-backups",
  prefix: "walden it's",
  forcePathStyle: false,
  encrypted: true,
  recipient: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
  clusterName: "orders",
};

function build(overrides: Partial<RunbookInput> = {}) {
  return buildRunbook({
    backup: {
      id: "0b7c1f2a-3d4e-4b2a-9d5e-5f0c7a4e6a43",
      label: null,
      path: "/srv/walden/repo/orders/0b7c1f2a-3d4e-4b2a-9d5e-5f0c7a4e6a43",
      serverVersionNum: 160004,
      startLsn: "0/5000028",
      stopLsn: "0/5000100",
      timeline: 1,
      startWal: "000000010000000000000005",
      stopWal: "000000010000000000000005",
      finishedAt: null,
      sizeBytes: 1000,
      compression: "lz4",
    },
    files: ["SHA256SUMS", "backup_manifest", "base.tar.lz4", "pg_wal.tar", "walden.json"],
    clusterName: "orders",
    archivePath: "/srv/archive/orders",
    dataDir: "/var/lib/postgresql/restore-x",
    offsite,
    ...overrides,
  });
}

describe("the runbook from the offsite copy", () => {
  it("downloads first, as step 0, and points every later step at the downloaded folders", () => {
    const runbook = build();
    expect(runbook.source).toBe("offsite");
    expect(runbook.downloadDir).toBe("/var/lib/postgresql/restore-x.offsite");
    expect(runbook.sections[0]!.title).toBe("From the offsite copy");
    const later = runbook.sections
      .slice(1)
      .flatMap((section) => section.commands)
      .join("\n");
    expect(later).not.toContain("/srv/walden/repo");
    expect(later).not.toContain("/srv/archive/orders");
    expect(later).toContain(`restore_command = 'cp ''/var/lib/postgresql/restore-x.offsite/wal''/"%f" "%p"'`);
    expect(runbook.restore.archivePath).toBe("/var/lib/postgresql/restore-x.offsite/wal");
    const script = runbookScript(runbook);
    expect(script).toContain("# ── 0. From the offsite copy ──");
    expect(script).toContain("# ── 1. Check the prerequisites ──");
    // bash parses the whole script: the functions and loops quote right.
    execFileSync("bash", ["-n"], { input: script });
  });

  it("signs with SigV4 from the reader's environment, decrypts with age and never names a secret", () => {
    const commands = build().sections[0]!.commands.join("\n");
    expect(commands).toContain("--aws-sigv4 'aws:amz:eu-west-1:s3'");
    expect(commands).toContain('"$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" |');
    expect(commands).toContain('age --decrypt --identity "$AGE_KEY_FILE"');
    // The ciphertext checked against the SHA-256 kept with the object before age reads it.
    expect(commands).toContain('check_ciphertext "$2" && age --decrypt');
    expect(commands).toContain('tolower($1) == "x-amz-meta-sha256:"');
    // Virtual-hosted (the repository is not path-style), the prefix's quote URI-encoded.
    expect(commands).toContain(
      "'https://acme-backups.s3.eu-west-1.amazonaws.com/walden%20it%27s/orders/0b7c1f2a-3d4e-4b2a-9d5e-5f0c7a4e6a43/SHA256SUMS'",
    );
    // ListObjects' parameters sorted (marker before prefix), so curl 7.88's signature matches.
    expect(commands).toContain(
      "'https://acme-backups.s3.eu-west-1.amazonaws.com/?marker='\"$marker\"'&prefix=walden%20it%27s%2Forders%2Fwal%2F'",
    );
    const plain = build({ offsite: { ...offsite, encrypted: false } }).sections[0]!.commands.join("\n");
    expect(plain).not.toContain("age --decrypt");
    expect(plain).not.toContain("AGE_KEY_FILE");
    expect(plain).not.toContain("check_ciphertext");
  });

  it("builds path-style URLs when the repository says so", () => {
    expect(bucketUrl({ endpoint: "http://127.0.0.1:9000/", bucket: "b", forcePathStyle: true })).toBe(
      "http://127.0.0.1:9000/b",
    );
    expect(bucketUrl({ endpoint: "https://minio.example:9000", bucket: "b", forcePathStyle: false })).toBe(
      "https://b.minio.example:9000",
    );
  });

  it("keeps the download folder beside the data directory", () => {
    expect(() => build({ downloadDir: "/var/lib/postgresql/restore-x/dl" })).toThrow(/download folder/);
    expect(() => build({ downloadDir: "relative" })).toThrow(/absolute path/);
  });

  it("is the local runbook, unchanged, without an offsite source", () => {
    const runbook = build({ offsite: undefined });
    expect(runbook.source).toBe("local");
    expect(runbook.sections[0]!.title).toBe("Check the prerequisites");
    expect(runbookScript(runbook)).toContain("# ── 1. Check the prerequisites ──");
  });

  it("downloads only the WAL up to the target's segment, on the target's timelines, when Walden knows it", () => {
    const everything = runbookScript(build());
    expect(everything).toContain(`if [[ "\${name:8}" < '0000000000000005' ]]; then continue; fi`);
    const bounded = build({ offsiteWalEnd: { toWal: "000000010000000000000009", timelines: [1] } });
    const script = runbookScript(bounded);
    expect(script).toContain("00000001.history) ;;");
    expect(script).toContain(
      `00000001*) if [[ "\${name:8}" < '0000000000000005' || "\${name:8}" > '0000000000000009' ]]; then continue; fi ;;`,
    );
    expect(bounded.sections[0]!.explanation).toMatch(
      /from its first segment to 000000010000000000000009 \(the target's\), on timeline 1 /,
    );
    // run by bash over a listing: the names it keeps
    const filter = script.match(/    case \$name in\n[\s\S]*?\n    esac/)![0];
    const names = [
      "00000001.history",
      "00000002.history",
      "000000010000000000000004",
      "000000010000000000000005",
      "000000010000000000000009",
      "00000001000000000000000A",
      "000000020000000000000006",
    ];
    const kept = execFileSync(
      "bash",
      ["-c", `for name in ${names.join(" ")}; do\n${filter}\n    echo "$name"\n  done`],
      { encoding: "utf8" },
    );
    expect(kept.trim().split("\n")).toEqual([
      "00000001.history",
      "000000010000000000000005",
      "000000010000000000000009",
    ]);
  });
});
