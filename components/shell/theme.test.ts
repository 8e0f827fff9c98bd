import { describe, expect, it } from "vitest";
import { parseTheme } from "@/components/shell/theme";

describe("parseTheme", () => {
  it("keeps a known choice", () => {
    expect(parseTheme("dark")).toBe("dark");
    expect(parseTheme("light")).toBe("light");
    expect(parseTheme("system")).toBe("system");
  });

  it("follows the system without a cookie or with one it does not know", () => {
    expect(parseTheme(undefined)).toBe("system");
    expect(parseTheme("")).toBe("system");
    expect(parseTheme("Dark")).toBe("system");
    expect(parseTheme('dark"><script>')).toBe("system");
  });
});
