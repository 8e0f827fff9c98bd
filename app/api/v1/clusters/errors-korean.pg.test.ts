import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import * as loginRoute from "@/app/api/v1/auth/login/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as testConnectionRoute from "@/app/api/v1/clusters/test-connection/route";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import { toErrorBody } from "@/lib/errors";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import { call, makeUser, type TestUser } from "@/test/api-client";

// Issue 16: a Korean-speaking admin reads the API's refusals in Korean, chosen the way the
// console's pages choose their language (the language cookie set from the saved choice at
// sign-in, else Accept-Language); a script that sends neither reads the English it always has.

const origin = "http://localhost:3000";
/** A port in this test's restore range that nothing listens on. */
const CLOSED_PORT = Number(process.env.WALDEN_RESTORE_PORTS?.split("-")[1] ?? 26919);

const badRegistration = {
  name: "ko-errors",
  primary: { host: "127.0.0.1", port: 70000, user: "postgres", password: "x", database: "postgres" },
};

let admin: TestUser;
let viewer: TestUser;
/** The language cookie the Korean admin's browser got at sign-in. */
let koreanCookie: string;

beforeAll(async () => {
  admin = await makeUser("admin", "ko-admin");
  viewer = await makeUser("viewer", "ko-viewer");
  await db().user.update({ where: { id: admin.id }, data: { locale: "ko" } });
  // The saved choice reaches the browser as the language cookie at sign-in; the API reads that.
  const signIn = await loginRoute.POST(
    new NextRequest(`${origin}/api/v1/auth/login`, {
      method: "POST",
      headers: { host: "localhost:3000", origin, "content-type": "application/json" },
      body: JSON.stringify({ email: admin.email, password: "a-long-test-password" }),
    }),
    { params: Promise.resolve({}) },
  );
  expect(signIn.status).toBe(200);
  koreanCookie = /walden_locale=[^;]+/.exec(signIn.headers.get("set-cookie") ?? "")?.[0] ?? "";
  expect(koreanCookie).toBe("walden_locale=ko");
});

function asKoreanAdmin() {
  return { origin, headers: { cookie: `${SESSION_COOKIE}=${admin.cookie}; ${koreanCookie}` } };
}

describe("a Korean admin's refusals", () => {
  it("registration with a port out of range: 422 with the field's problem in Korean", async () => {
    const korean = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      ...asKoreanAdmin(),
      body: badRegistration,
    });
    expect(korean.status).toBe(422);
    expect(korean.json.error.code).toBe("unprocessable_entity");
    expect(korean.json.error.details.issues).toEqual([
      { path: "primary.port", message: "1부터 65535 사이여야 합니다" },
    ]);
    expect(korean.json.error.message).toBe("primary.port: 1부터 65535 사이여야 합니다");

    // The same request from a script: the English body, byte for byte what it was before issue 16.
    const english = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: admin.token,
      body: badRegistration,
    });
    expect(english.status).toBe(422);
    expect(english.text).toBe(
      '{"error":{"code":"unprocessable_entity","message":"primary.port: must be from 1 to 65535",' +
        '"details":{"issues":[{"path":"primary.port","message":"must be from 1 to 65535"}]}}}',
    );
    expect(english.json).toEqual(toErrorBody(clusterCreateSchema.safeParse(badRegistration).error).body);
  });

  it("zod's own problems (a missing field, an unknown key) in Korean, English for Accept-Language en", async () => {
    const body = { name: "ko-errors", primary: { host: "127.0.0.1", port: 5432 }, conninfo: "x" };
    const korean = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: admin.token,
      headers: { "accept-language": "ko-KR,ko;q=0.9" },
      body,
    });
    expect(korean.status).toBe(422);
    const issues = Object.fromEntries(
      (korean.json.error.details.issues as { path: string; message: string }[]).map((i) => [
        i.path,
        i.message,
      ]),
    );
    expect(issues).toMatchObject({ "primary.user": "필수 항목입니다", "": '알 수 없는 키: "conninfo"' });

    const english = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: admin.token,
      headers: { "accept-language": "en-US,en;q=0.9" },
      body,
    });
    expect(english.json).toEqual(toErrorBody(clusterCreateSchema.safeParse(body).error).body);
    expect(english.json.error.details.issues).toContainEqual({
      path: "primary.user",
      message: "Invalid input: expected string, received undefined",
    });
  });

  it("test connection to a closed port: 503 saying so in Korean, the English unchanged", async () => {
    const node = {
      host: "127.0.0.1",
      port: CLOSED_PORT,
      user: "postgres",
      password: "x",
      database: "postgres",
    };
    const korean = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      ...asKoreanAdmin(),
      body: node,
    });
    expect(korean.status).toBe(503);
    expect(korean.json.error).toEqual({
      code: "upstream_unavailable",
      message: `127.0.0.1:${CLOSED_PORT}에 연결하지 못했습니다: 연결이 거부되었습니다. PostgreSQL이 실행 중이고 그 주소와 포트에서 연결을 받는지 확인하세요.`,
    });
    const english = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      token: admin.token,
      body: node,
    });
    expect(english.json.error.message).toBe(
      `Could not connect to 127.0.0.1:${CLOSED_PORT}: connection refused. Is PostgreSQL running and listening on that address and port?`,
    );
  });

  it("a viewer refused an admin's action, in Korean and in English", async () => {
    const korean = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: viewer.token,
      headers: { "accept-language": "ko" },
      body: badRegistration,
    });
    expect(korean.status).toBe(403);
    expect(korean.json.error.message).toBe("admin 역할이 필요합니다. 현재 역할은 viewer입니다");
    const english = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: viewer.token,
      body: badRegistration,
    });
    expect(english.json.error.message).toBe("This needs the admin role; you are viewer");
  });
});
