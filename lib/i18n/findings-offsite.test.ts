import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTranslator } from "use-intl/core";
import { findingText, type FindingTranslator } from "@/lib/i18n/findings";
import { messagesFor } from "@/lib/i18n/messages";
import { testRepository } from "@/lib/offsite/test-repository";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// The offsite repository's "Test" result in Korean (findings.offsiteTest): what each check did,
// or what failed, as the real test says it against s3rver and against a port nothing listens on.
// Ports from the H5 range (27018, 27019), apart from the offsite tests' own.

const PORT = 27018;
const NOTHING_LISTENS = 27019;
const BUCKET = "walden-findings";
const HANGUL = /[\uac00-\ud7a3]/;

const translator = (locale: "en" | "ko") =>
  createTranslator({
    locale,
    messages: messagesFor(locale),
    namespace: "findings",
  }) as unknown as FindingTranslator;

let dir: string;
let server: S3TestServer;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-findings-offsite-"));
  server = await startS3Server({ port: PORT, directory: dir, buckets: [BUCKET] });
});
afterAll(async () => {
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

const korean = (message: string) => findingText(translator("ko"), "offsiteTest", message);

describe("the offsite repository test, said in Korean", () => {
  it("says what each passed check did", async () => {
    const result = await testRepository(server.settings(BUCKET, "walden/prod"));
    expect(result.ok).toBe(true);
    const said = result.checks.map((check) => korean(check.message));
    for (const text of said) expect(text).toMatch(HANGUL);
    expect(said[1]).toMatch(/^\d+바이트를 다시 읽었고 체크섬이 일치합니다$/);
    expect(said[3]).toBe("테스트 객체를 삭제했습니다");
    for (const check of result.checks)
      expect(findingText(translator("en"), "offsiteTest", check.message)).toBe(check.message);
  });

  it("says what failed: a wrong secret, and a storage that is not running", async () => {
    const wrong = await testRepository({ ...server.settings(BUCKET), secretAccessKey: "not-the-secret" });
    expect(wrong.checks.map((check) => korean(check.message))).toEqual([
      "스토리지가 액세스 키 또는 시크릿을 거부했습니다(SignatureDoesNotMatch)",
      "시도하지 않음: 쓴 것이 없어 다시 읽을 수 없습니다",
      "스토리지가 액세스 키 또는 시크릿을 거부했습니다(SignatureDoesNotMatch)",
      "시도하지 않음: 쓴 것이 없어 지울 것이 없습니다",
    ]);
    const down = await testRepository({
      ...server.settings(BUCKET),
      endpoint: `http://127.0.0.1:${NOTHING_LISTENS}`,
    });
    expect(korean(down.checks[0]!.message)).toBe(
      `127.0.0.1:${NOTHING_LISTENS}에서 연결을 거부했습니다: 엔드포인트가 맞는지, 스토리지가 실행 중인지 확인하세요`,
    );
  });
});
