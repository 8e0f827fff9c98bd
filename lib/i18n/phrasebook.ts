// Reading an English sentence the server wrote back as a catalog key and its figures, so it can
// be said in another language: the English catalog holds the sentence with {placeholders}
// ("must be at most {max} characters"), and a text that matches it gives the key and the values
// in the placeholders' places. Used for texts the server words in English once and for all
// (API field issues, stored schedule outcomes, plan warnings, configuration-check findings):
// a stored row keeps its English, and the page still reads it in the reader's language.
// Pure and safe in the browser: it reads only the English messages it is given.

export interface PhraseMatch {
  /** The message's path under the tree the phrasebook was built from, with its prefix. */
  key: string;
  params: Record<string, string>;
}

type Tree = { [key: string]: string | Tree };

interface Phrase {
  key: string;
  pattern: RegExp;
  names: string[];
  /** How much of the phrase is fixed words: when two phrases match, the more specific one wins. */
  fixed: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function leaves(tree: Tree, prefix: string): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]): [string, string][] =>
    typeof value === "string" ? [[`${prefix}${key}`, value]] : leaves(value, `${prefix}${key}.`),
  );
}

/** "must be at most {max} characters" → /^must be at most (.+?) characters$/ ("''" is ICU's quote). */
function toPhrase(key: string, english: string): Phrase {
  const names: string[] = [];
  const parts = english.split(/(\{[A-Za-z_]\w*\})/);
  const source = parts
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!name) return escapeRegExp(part.replaceAll("''", "'"));
      names.push(name);
      return "(.+?)";
    })
    .join("");
  const fixed = english.replace(/\{\w+\}/g, "").length;
  return { key, pattern: new RegExp(`^${source}$`, "s"), names, fixed };
}

/**
 * A reader of the English messages of `tree` (its leaves, keys prefixed with `prefix`): the
 * message a text is an instance of, with its figures, or null when none matches.
 */
export function phrasebook(tree: object, prefix = ""): (text: string) => PhraseMatch | null {
  const phrases = leaves(tree as Tree, prefix)
    .map(([key, english]) => toPhrase(key, english))
    .sort((a, b) => b.fixed - a.fixed);
  return (text) => {
    for (const phrase of phrases) {
      const match = phrase.pattern.exec(text);
      if (!match) continue;
      return {
        key: phrase.key,
        params: Object.fromEntries(phrase.names.map((name, index) => [name, match[index + 1] ?? ""])),
      };
    }
    return null;
  };
}
