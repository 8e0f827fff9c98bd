import { describe, expect, it } from "vitest";
import { pickLocale } from "./locales";

describe("pickLocale", () => {
  it("takes the cookie's language over the browser's", () => {
    expect(pickLocale("ko", "en-US,en;q=0.9")).toBe("ko");
    expect(pickLocale("en", "ko-KR")).toBe("en");
  });

  it("ignores a cookie that names no language we speak", () => {
    expect(pickLocale("fr", "ko-KR,ko;q=0.9")).toBe("ko");
  });

  it("follows Accept-Language by weight, then by order, on the primary tag", () => {
    expect(pickLocale(undefined, "ko-KR,ko;q=0.9,en-US;q=0.8")).toBe("ko");
    expect(pickLocale(undefined, "fr-FR, en;q=0.5, ko;q=0.7")).toBe("ko");
    expect(pickLocale(undefined, "de, EN-gb")).toBe("en");
    expect(pickLocale(undefined, "ko;q=0, en;q=0.1")).toBe("en");
  });

  it("falls back to English", () => {
    expect(pickLocale(undefined, undefined)).toBe("en");
    expect(pickLocale(undefined, "")).toBe("en");
    expect(pickLocale(undefined, "fr, de;q=0.5")).toBe("en");
    expect(pickLocale(undefined, ";;;,q=")).toBe("en");
  });
});
