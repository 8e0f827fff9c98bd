import { describe, expect, it } from "vitest";
import { messages } from "./messages";

// The reference is English; every other language must have exactly its keys, each a non-empty
// string that uses the same {placeholders}. A key missing in Korean fails here with its path.

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [p, v] of leaves(value, path)) out.set(p, v);
  }
  return out;
}

/** The ICU argument names a message uses: "{count, plural, …}" → count; "{name}" → name. */
function argumentsOf(message: string): string[] {
  return [...new Set([...message.matchAll(/\{\s*([A-Za-z_][\w]*)\s*[,}]/g)].map((m) => m[1] ?? ""))].sort();
}

const english = leaves(messages.en as unknown as Tree);

describe.each(Object.keys(messages).filter((locale) => locale !== "en"))("messages in %s", (locale) => {
  const translated = leaves(messages[locale as keyof typeof messages] as unknown as Tree);

  it("has every English key", () => {
    expect([...english.keys()].filter((key) => !translated.has(key))).toEqual([]);
  });

  it("has no key English lacks", () => {
    expect([...translated.keys()].filter((key) => !english.has(key))).toEqual([]);
  });

  it("leaves no message empty and keeps each message's placeholders", () => {
    const problems: string[] = [];
    for (const [key, text] of translated) {
      if (!text.trim()) problems.push(`${key}: empty`);
      const want = argumentsOf(english.get(key) ?? "");
      const got = argumentsOf(text);
      if (english.has(key) && want.join() !== got.join())
        problems.push(`${key}: {${got}} instead of {${want}}`);
    }
    expect(problems).toEqual([]);
  });
});

describe("English messages", () => {
  it("are all non-empty", () => {
    expect([...english].filter(([, text]) => !text.trim()).map(([key]) => key)).toEqual([]);
  });
});
