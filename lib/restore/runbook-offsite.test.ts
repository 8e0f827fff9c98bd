import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildRunbook, type RunbookInput } from "@/lib/restore/runbook";
import { bucketUrl, type RunbookOffsiteSource } from "@/lib/restore/runbook-offsite";
import { fetchFunctions } from "@/lib/restore/runbook-offsite-fetch";
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
    // The stored bytes checked against the SHA-256 kept with the object before age reads them.
    expect(commands).toContain('header "$2.headers" x-amz-meta-sha256');
    expect(commands).toMatch(/sha256sum --quiet -c - \|\|\n.*ciphertext kept for it/);
    // Virtual-hosted (the repository is not path-style), the prefix's quote URI-encoded.
    expect(commands).toContain(
      "'https://acme-backups.s3.eu-west-1.amazonaws.com/walden%20it%27s/orders/0b7c1f2a-3d4e-4b2a-9d5e-5f0c7a4e6a43/SHA256SUMS'",
    );
    // ListObjects' parameters sorted (marker before prefix), so curl 7.88's signature matches.
    expect(commands).toContain(
      "'https://acme-backups.s3.eu-west-1.amazonaws.com/?marker='\"$marker\"'&prefix=walden%20it%27s%2Forders%2Fwal%2F'",
    );
    // A plain repository asks for no key up front: nothing is known to be encrypted.
    const plain = build({ offsite: { ...offsite, encrypted: false } }).sections[0]!;
    expect(plain.commands.join("\n")).not.toContain("of every key named above");
    expect(plain.explanation).toMatch(/No object is known to be encrypted/);
  });

  it("decides per object from its headers or the copy's list, whatever the repository setting", () => {
    const sealed = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";
    const atRest = "age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg";
    // Unencrypted repository, backup encrypted at rest, WAL sealed at rest: the cell that was broken.
    const runbook = build({
      offsite: { ...offsite, encrypted: false, backupRecipient: atRest, walSealedTo: [sealed] },
    });
    const section = runbook.sections[0]!;
    const commands = section.commands.join("\n");
    // A key is asked for up front, both keys named, and age is required.
    expect(commands).toContain("of every key named above");
    expect(commands).toContain("command -v curl >/dev/null && command -v age >/dev/null");
    expect(section.explanation).toContain(
      `the backup's files, encrypted at rest before they were copied, to`,
    );
    expect(section.explanation).toContain(atRest);
    expect(section.explanation).toContain(sealed);
    expect(section.explanation).toMatch(/One file may hold several keys/);
    // Each object: age when its headers say so, or when the copy lists <file>.age.
    expect(commands).toContain(`[ "$(header "$2.headers" x-amz-meta-encryption)" = age ]`);
    expect(commands).toContain(`"$file.age"`);
    // The checksums the catalog keeps, when given.
    const checked = build({
      offsite: { ...offsite, sumsSha256: "a".repeat(64), ciphertextSumsSha256: "b".repeat(64) },
    });
    const text = checked.sections[0]!.commands.join("\n");
    expect(text).toContain(`'${"a".repeat(64)}'`);
    expect(text).toContain(`'${"b".repeat(64)}'`);
    execFileSync("bash", ["-n"], { input: runbookScript(runbook) });
  });

  it("runs fetch_object against a fake curl: plain kept, age decrypted by header, damaged refused", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "h1-fetch-"));
    try {
      execFileSync("age-keygen", ["-o", path.join(dir, "key.txt")], { stdio: "ignore" });
      const recipient = execFileSync("age-keygen", ["-y", path.join(dir, "key.txt")], {
        encoding: "utf8",
      }).trim();
      writeFileSync(path.join(dir, "plain.src"), "plain bytes\n");
      writeFileSync(path.join(dir, "secret.txt"), "secret bytes\n");
      execFileSync("age", [
        "-r",
        recipient,
        "-o",
        path.join(dir, "sealed.src"),
        path.join(dir, "secret.txt"),
      ]);
      const sha = (file: string) =>
        createHash("sha256")
          .update(readFileSync(path.join(dir, file)))
          .digest("hex");
      // The fake curl: the object's bytes from <name>.src, its headers from <name>.hdr.
      writeFileSync(
        path.join(dir, "plain.hdr"),
        `HTTP/1.1 200 OK\r\nx-amz-meta-sha256: ${sha("plain.src")}\r\n`,
      );
      writeFileSync(
        path.join(dir, "sealed.hdr"),
        `HTTP/1.1 200 OK\r\nx-amz-meta-encryption: age\r\nx-amz-meta-sha256: ${sha("sealed.src")}\r\nx-amz-meta-age-recipient: ${recipient}\r\n`,
      );
      writeFileSync(path.join(dir, "damaged.src"), "other bytes\n");
      writeFileSync(
        path.join(dir, "damaged.hdr"),
        `HTTP/1.1 200 OK\r\nx-amz-meta-sha256: ${sha("plain.src")}\r\n`,
      );
      const functions = fetchFunctions({ region: "r", ciphertextSums: path.join(dir, "none") }).join("\n");
      const fakeCurl = `curl() { cat >/dev/null; local h o u; while [ $# -gt 0 ]; do case $1 in --dump-header) h=$2; shift ;; --output) o=$2; shift ;; -*) ;; *) u=$1 ;; esac; shift; done; n=\${u##*/}; cp "${dir}/$n.hdr" "$h"; cp "${dir}/$n.src" "$o"; }`;
      const run = (object: string, env: Record<string, string>) =>
        spawnSync(
          "bash",
          ["-e", "-c", `${fakeCurl}\n${functions}\nfetch_object "http://s/${object}" "${dir}/out-${object}"`],
          {
            env: {
              ...process.env,
              AWS_ACCESS_KEY_ID: "a",
              AWS_SECRET_ACCESS_KEY: "b",
              AGE_KEY_FILE: "",
              ...env,
            },
            encoding: "utf8",
          },
        );
      expect(run("plain", {}).status).toBe(0);
      expect(readFileSync(path.join(dir, "out-plain"), "utf8")).toBe("plain bytes\n");
      const noKey = run("sealed", {});
      expect(noKey.status).not.toBe(0);
      expect(noKey.stderr).toContain(`sealed is encrypted with age to ${recipient}: set AGE_KEY_FILE`);
      expect(run("sealed", { AGE_KEY_FILE: path.join(dir, "key.txt") }).status).toBe(0);
      expect(readFileSync(path.join(dir, "out-sealed"), "utf8")).toBe("secret bytes\n");
      const damaged = run("damaged", {});
      expect(damaged.status).not.toBe(0);
      expect(damaged.stderr).toContain("does not match the SHA-256 kept for it");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
