import zlib from "node:zlib";

// The text of a PDF printed by Chromium (Skia), enough for a test to look for a word in it.
// Skia compresses content streams (FlateDecode) and writes text as 2-byte glyph ids of subset
// fonts, with a ToUnicode CMap per font; a plain search of the file finds nothing. This reads
// each page's content stream, follows `/Fn size Tf` to the font's ToUnicode map and decodes
// the <hex> strings of Tj and TJ. Not a general PDF parser: no object streams, no xref
// streams, no literal-string fonts (Skia writes none of those).

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

function readObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString("latin1");
  const objects = new Map<number, PdfObject>();
  const header = /(\d+) 0 obj\s*/g;
  let match: RegExpExecArray | null;
  while ((match = header.exec(text))) {
    const start = match.index + match[0].length;
    const end = text.indexOf("endobj", start);
    if (end < 0) break;
    const body = text.slice(start, end);
    const streamAt = body.search(/\bstream\r?\n/);
    if (streamAt < 0) {
      objects.set(Number(match[1]), { dict: body, stream: null });
    } else {
      const dict = body.slice(0, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? "0");
      const dataStart = start + streamAt + body.slice(streamAt).indexOf("\n") + 1;
      let data: Buffer = pdf.subarray(dataStart, dataStart + length);
      if (/\/FlateDecode/.test(dict)) data = zlib.inflateSync(data);
      objects.set(Number(match[1]), { dict, stream: data });
    }
    header.lastIndex = end;
  }
  return objects;
}

function hexToCodes(hex: string): number[] {
  const clean = hex.replace(/\s+/g, "");
  const codes: number[] = [];
  for (let index = 0; index + 4 <= clean.length; index += 4)
    codes.push(parseInt(clean.slice(index, index + 4), 16));
  return codes;
}

function hexToString(hex: string): string {
  return String.fromCodePoint(...hexToCodes(hex));
}

/** A ToUnicode CMap: glyph code → text (bfchar and bfrange, the forms Skia writes). */
function parseCMap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const pair of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
      map.set(parseInt(pair[1]!, 16), hexToString(pair[2]!));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const range of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const from = parseInt(range[1]!, 16);
      const to = parseInt(range[2]!, 16);
      const first = parseInt(range[3]!, 16);
      for (let code = from; code <= to; code += 1) map.set(code, String.fromCodePoint(first + code - from));
    }
  }
  return map;
}

function ref(dict: string, key: string): number | null {
  const found = new RegExp(`/${key} (\\d+) 0 R`).exec(dict);
  return found ? Number(found[1]) : null;
}

/** The text of every page, one line per text object (BT … ET), pages in file order. */
export function pdfText(pdf: Buffer): string {
  const objects = readObjects(pdf);
  const lines: string[] = [];
  const fontMaps = new Map<number, Map<number, string>>();
  const fontMap = (id: number) => {
    if (!fontMaps.has(id)) {
      const toUnicode = ref(objects.get(id)?.dict ?? "", "ToUnicode");
      const cmap = toUnicode === null ? null : objects.get(toUnicode)?.stream;
      fontMaps.set(id, cmap ? parseCMap(cmap.toString("latin1")) : new Map());
    }
    return fontMaps.get(id)!;
  };

  for (const object of objects.values()) {
    if (!/\/Type \/Page\b/.test(object.dict)) continue;
    const fonts = new Map<string, number>();
    const fontDict = /\/Font <<([\s\S]*?)>>/.exec(object.dict)?.[1] ?? "";
    for (const entry of fontDict.matchAll(/\/(\S+?) (\d+) 0 R/g)) fonts.set(entry[1]!, Number(entry[2]));
    const contents = ref(object.dict, "Contents");
    const content = contents === null ? null : objects.get(contents)?.stream;
    if (!content) continue;

    let current = new Map<number, string>();
    let line = "";
    const tokens = /\/(\S+) [\d.]+ Tf|<([0-9A-Fa-f\s]*)>|\bET\b/g;
    for (const token of content.toString("latin1").matchAll(tokens)) {
      if (token[1] !== undefined) {
        const id = fonts.get(token[1]);
        current = id === undefined ? new Map() : fontMap(id);
      } else if (token[2] !== undefined) {
        line += hexToCodes(token[2])
          .map((code) => current.get(code) ?? "")
          .join("");
      } else {
        lines.push(line);
        line = "";
      }
    }
  }
  return lines.filter((line) => line.trim()).join("\n");
}
