import { readdirSync, readFileSync } from "node:fs";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, appError, toErrorBody } from "@/lib/errors";
import { localizeIssue, renderKey } from "@/lib/i18n/api-errors";
import { withCallerLocale } from "@/lib/i18n/caller-locale";
import { messages } from "@/lib/i18n/messages";
import { CLEARTEXT_REFUSED } from "@/lib/pg/connection";
import { portSchema } from "@/lib/schemas/common";
import { withPublicRoute } from "@/lib/route";

// The API edge speaks the caller's language (issue 16): the language cookie, else Accept-Language,
// else English; English is byte for byte what the code wrote.

function call(throwing: () => unknown, headers: Record<string, string> = {}) {
  const route = withPublicRoute(async () => throwing());
  return route(new NextRequest("http://localhost:3000/api/v1/x", { headers }), {
    params: Promise.resolve({}),
  }).then(async (response) => ({ status: response.status, body: await response.json() }));
}

const refused = () => {
  throw appError("upstream_unavailable", "connection.refused", { where: "db1:5432" });
};
const ENGLISH_REFUSED =
  "Could not connect to db1:5432: connection refused. Is PostgreSQL running and listening on that address and port?";

describe("error messages at the API edge", () => {
  it("say English with no language header, and the key's Korean for a Korean caller, params filled in", async () => {
    const plain = await call(refused);
    expect(plain).toEqual({
      status: 503,
      body: { error: { code: "upstream_unavailable", message: ENGLISH_REFUSED } },
    });
    const korean = await call(refused, { "accept-language": "ko-KR,ko;q=0.9,en;q=0.8" });
    expect(korean.status).toBe(503);
    expect(korean.body.error.code).toBe("upstream_unavailable");
    expect(korean.body.error.message).toBe(
      "db1:5432에 연결하지 못했습니다: 연결이 거부되었습니다. PostgreSQL이 실행 중이고 그 주소와 포트에서 연결을 받는지 확인하세요.",
    );
  });

  it("follow the language cookie over the browser's language, as the pages do", async () => {
    expect(
      (await call(refused, { cookie: "walden_locale=ko", "accept-language": "en-US" })).body.error.message,
    ).toMatch(/^db1:5432에 연결하지 못했습니다/);
    expect(
      (await call(refused, { cookie: "walden_locale=en", "accept-language": "ko" })).body.error.message,
    ).toBe(ENGLISH_REFUSED);
    // What scripts send (curl nothing, Node's fetch "*"): English.
    expect((await call(refused, { "accept-language": "*" })).body.error.message).toBe(ENGLISH_REFUSED);
  });

  it("fall back to the English message for a key the catalog does not have", async () => {
    const unknown = () => {
      throw new AppError(
        "conflict",
        "Something only English says",
        { field: "name" },
        { key: "nope.missing" },
      );
    };
    const korean = await call(unknown, { "accept-language": "ko" });
    expect(korean.body.error).toEqual({
      code: "conflict",
      message: "Something only English says",
      details: { issues: [{ path: "name", message: "Something only English says" }] },
    });
  });

  it("translate a field issue that repeats the message, and phrasebook issues with their figures", async () => {
    const taken = () => {
      throw appError("conflict", "users.emailTaken", { email: "kim@example.com" }, { field: "email" });
    };
    const english = await call(taken);
    expect(english.body.error).toEqual({
      code: "conflict",
      message: "A user with email kim@example.com already exists",
      details: { issues: [{ path: "email", message: "A user with email kim@example.com already exists" }] },
    });
    const korean = await call(taken, { "accept-language": "ko" });
    expect(korean.body.error.details.issues).toEqual([
      { path: "email", message: "이메일이 kim@example.com인 사용자가 이미 있습니다" },
    ]);

    const listed = () => {
      throw new AppError("unprocessable_entity", "Backup b1 is wrong", {
        window: { earliest: "a" },
        issues: [
          { path: "name", message: "must be at most 63 characters" },
          { path: "other", message: "words no phrasebook has" },
        ],
      });
    };
    expect((await call(listed, { "accept-language": "ko" })).body.error.details).toEqual({
      window: { earliest: "a" },
      issues: [
        { path: "name", message: "63자 이하여야 합니다" },
        { path: "other", message: "words no phrasebook has" },
      ],
    });
  });
});

describe("an error body built inside a request", () => {
  it("speaks the caller's language without being told (a per-node result of test connection)", () => {
    const error = appError("upstream_unavailable", "connection.timedOut", { where: "db1:5432" });
    expect(withCallerLocale("ko", () => toErrorBody(error).body.error.message)).toBe(
      "db1:5432에 연결하는 중 시간이 초과되었습니다. 호스트, 포트, 방화벽을 확인하세요.",
    );
    expect(toErrorBody(error).body.error.message).toBe(
      "Timed out connecting to db1:5432. Check the host, port and firewall.",
    );
  });
});

describe("zod's problems at the API edge", () => {
  const schema = z.strictObject({
    name: z.string().min(1),
    port: portSchema,
    tags: z.array(z.string()).max(2),
  });
  const parse = (body: unknown) => () => schema.parse(body);

  it("stay exactly zod's English for an English caller", async () => {
    const input = { port: 70000, tags: ["a", "b", "c"], extra: 1 };
    const { body } = await call(parse(input));
    const offline = toErrorBody(schema.safeParse(input).error);
    expect(body).toEqual(offline.body);
    expect(body.error.details.issues).toContainEqual({
      path: "name",
      message: "Invalid input: expected string, received undefined",
    });
    expect(body.error.details.issues).toContainEqual({ path: "port", message: "must be from 1 to 65535" });
  });

  it("are Korean for a Korean caller: zod's own per issue code, the schema's phrases from the phrasebook", async () => {
    const { status, body } = await call(parse({ name: "", port: 70000, tags: ["a", "b", "c"], extra: 1 }), {
      "accept-language": "ko",
    });
    expect(status).toBe(422);
    const issues = body.error.details.issues as { path: string; message: string }[];
    expect(Object.fromEntries(issues.map((issue) => [issue.path, issue.message]))).toEqual({
      "": '알 수 없는 키: "extra"',
      name: "비워 둘 수 없습니다",
      port: "1부터 65535 사이여야 합니다",
      tags: "2개 이하여야 합니다",
    });
    expect(body.error.message).toContain("port: 1부터 65535 사이여야 합니다");
    const missing = await call(parse({ port: "x", tags: [] }), { "accept-language": "ko" });
    expect(missing.body.error.details.issues).toEqual([
      { path: "name", message: "필수 항목입니다" },
      { path: "port", message: "1부터 65535까지의 정수여야 합니다" },
    ]);
  });

  it("stay English outside a request (the worker, logs)", () => {
    expect(z.string().safeParse(1).error?.issues[0]?.message).toBe(
      "Invalid input: expected string, received number",
    );
  });
});

describe("the catalog", () => {
  it("renders English exactly as the code wrote it before the catalog existed", () => {
    expect(appError("unauthorized", "auth.signIn").message).toBe(
      "Sign in or send an API token (Authorization: Bearer …)",
    );
    expect(appError("forbidden", "auth.needsRole", { required: "admin", role: "viewer" }).message).toBe(
      "This needs the admin role; you are viewer",
    );
    expect(appError("conflict", "clusters.nameTaken", { name: "prod" }).message).toBe(
      'A cluster named "prod" is already registered',
    );
    expect(appError("unprocessable_entity", "clusters.typeNameToConfirm", { name: "prod" }).message).toBe(
      "Type the cluster's name to confirm: pass ?confirm=prod",
    );
  });

  it("never groups digits in figures (a port is 65535, not 65,535)", () => {
    expect(renderKey("ko", "request.bodyTooLarge", { kib: 1024 })).toBe("요청 본문이 1024 KiB보다 큽니다");
  });
});

/** Every shared schema (lib/schemas): each phrase it writes must have its Korean. */
const SCHEMA_FILES = readdirSync("lib/schemas").filter(
  (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
);

/** The phrases a schema writes itself: the text argument of .min/.max/.regex/.refine…, or `error:`/`message:`. */
const SCHEMA_PHRASE =
  /(?:\.(?:min|max|regex|refine|int|length|email|uuid|url)\((?:[^()]|\([^()]*\))*?,\s*|\b(?:error|message):\s*|z\.(?:email|uuid|url)\()"((?:[^"\\]|\\.)*)"/g;

describe("the phrasebook", () => {
  it("has Korean for every phrase the shared schemas write", () => {
    const phrases = SCHEMA_FILES.flatMap((file) =>
      [...readFileSync(`lib/schemas/${file}`, "utf8").matchAll(SCHEMA_PHRASE)].map((match) => ({
        file,
        phrase: JSON.parse(`"${match[1]}"`) as string,
      })),
    );
    expect(phrases.length).toBeGreaterThan(120);
    const missing = phrases.filter(({ phrase }) => localizeIssue("ko", phrase) === phrase);
    expect(missing.map(({ file, phrase }) => `${file}: ${phrase}`)).toEqual([]);
  });

  it("fills a phrase's figures in ({max}, {spacing})", () => {
    expect(localizeIssue("ko", "must be at most 4000 characters")).toBe("4000자 이하여야 합니다");
    expect(
      localizeIssue(
        "ko",
        "fires 5 minutes apart at its closest; a backup schedule may fire at most every 15 minutes",
      ),
    ).toBe("가장 가까운 실행 간격이 5분입니다. 백업 일정은 최소 15분 간격이어야 합니다");
    expect(localizeIssue("en", "must be at most 4000 characters")).toBe("must be at most 4000 characters");
  });

  it("says a connection's TLS and cleartext refusals in Korean, on the field they name", () => {
    const error = new AppError("unprocessable_entity", `db1:5432: ${CLEARTEXT_REFUSED}`, {
      field: "password",
    });
    const { body } = toErrorBody(error, "ko");
    expect(body.error.message).toMatch(/^db1:5432: 서버가 비밀번호를 평문으로 요구했습니다/);
    expect(body.error.details).toEqual({ issues: [{ path: "password", message: body.error.message }] });
    expect(toErrorBody(error).body.error.message).toBe(`db1:5432: ${CLEARTEXT_REFUSED}`);
  });

  it("picks the most specific phrase when two match", () => {
    expect(
      localizeIssue(
        "ko",
        "the local copy of backup b1 is not whole (no /r/b1/SHA256SUMS or no archive folder /r/wal)",
      ),
    ).toBe("백업 b1의 로컬 사본이 온전하지 않습니다(/r/b1/SHA256SUMS 또는 아카이브 폴더 /r/wal 없음)");
  });

  it('says a one-field message without a key ("identity: <phrase>") with the phrase translated', async () => {
    const refusal = () => {
      throw new AppError("unprocessable_entity", "source: backup b1 has no succeeded offsite copy", {
        issues: [{ path: "source", message: "backup b1 has no succeeded offsite copy" }],
      });
    };
    expect((await call(refusal, { "accept-language": "ko" })).body.error).toEqual({
      code: "unprocessable_entity",
      message: "source: 백업 b1에는 성공한 오프사이트 사본이 없습니다",
      details: { issues: [{ path: "source", message: "백업 b1에는 성공한 오프사이트 사본이 없습니다" }] },
    });
    expect((await call(refusal)).body.error.message).toBe("source: backup b1 has no succeeded offsite copy");
  });
});

describe("every catalog message", () => {
  type Tree = { [key: string]: string | Tree };
  const keys = (tree: Tree, prefix = ""): string[] =>
    Object.entries(tree).flatMap(([key, value]) =>
      typeof value === "string" ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
    );

  it("renders in English and Korean with its placeholders filled (a stray ICU brace would not)", () => {
    const broken: string[] = [];
    for (const key of keys(messages.en.apiErrors as unknown as Tree)) {
      const english = key
        .split(".")
        .reduce<unknown>((node, part) => (node as Tree)[part], messages.en.apiErrors);
      const params = Object.fromEntries(
        [...String(english).matchAll(/\{\s*(\w+)\s*[,}]/g)].map((match) => [match[1]!, `<${match[1]}>`]),
      );
      for (const locale of ["en", "ko"] as const) {
        const text = renderKey(locale, key, params);
        if (text === null || /\{\w+\}/.test(text)) broken.push(`${locale} ${key}: ${text}`);
      }
    }
    expect(broken).toEqual([]);
    expect(appError("unprocessable_entity", "backups.pinned", { name: "b1" }).message).toBe(
      'Backup b1 is pinned: unpin it first (PATCH {"pinned": false}) if it really may go',
    );
  });
});
