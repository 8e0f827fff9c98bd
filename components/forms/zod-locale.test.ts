import { describe, expect, it } from "vitest";
import { createTranslator } from "use-intl/core";
import { z } from "zod";
import { messagesFor } from "@/lib/i18n/messages";
import { portSchema } from "@/lib/schemas/common";
import { loginSchema } from "@/lib/schemas/user";
import { browserZodMessage, issueText, type ApiErrorsTranslator } from "./zod-locale";

// The browser's own form checks, before anything reaches the API, in the page's language: the
// shared schemas parsed as zodResolver parses them, with the browser's error map.

const translator = (locale: "en" | "ko") =>
  createTranslator({
    locale,
    messages: messagesFor(locale),
    namespace: "apiErrors",
  }) as unknown as ApiErrorsTranslator;

const messagesOf = (schema: z.ZodType, value: unknown, locale: "en" | "ko") => {
  const t = translator(locale);
  const result = schema.safeParse(value, { error: (issue) => browserZodMessage(locale, t, issue) });
  return (result.error?.issues ?? []).map((issue) => issueText(t, issue.message));
};

describe("the browser's form checks", () => {
  it("say a schema's own phrase in Korean (a port out of range)", () => {
    expect(messagesOf(portSchema, 70000, "ko")).toEqual(["1부터 65535 사이여야 합니다"]);
    expect(messagesOf(portSchema, 70000, "en")).toEqual(["must be from 1 to 65535"]);
  });

  it("say zod's own messages in Korean, as the API does (an empty password, a missing field)", () => {
    expect(messagesOf(loginSchema, { email: "kim@example.com", password: "" }, "ko")).toEqual([
      "필수 항목입니다",
    ]);
    const missing = messagesOf(z.strictObject({ name: z.string() }), {}, "ko");
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/[\uac00-\ud7a3]/);
    expect(messagesOf(z.strictObject({ name: z.string() }), {}, "en")[0]).toMatch(/expected string/i);
  });
});
