import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET, POST } from "./route";

const params = { params: Promise.resolve({ path: ["clusters", "x", "nope"] }) };

describe("an unknown path under /api/v1", () => {
  it("answers 404 in the error shape, whatever the method", async () => {
    for (const [handler, method] of [
      [GET, "GET"],
      [POST, "POST"],
    ] as const) {
      const response = await handler(
        new NextRequest(`http://localhost/api/v1/clusters/x/nope`, { method }),
        params,
      );
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("not_found");
      expect(body.error.message).toContain(`${method} /api/v1/clusters/x/nope`);
    }
  });
});
