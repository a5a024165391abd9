// JSON read as text, never re-serialised: the raw text of each top-level member, so
// values reach the software exactly as signed (integers above 2^53, `1.0`) and `1.0`
// can be told apart from `1`; and compaction that keeps every token byte for byte.
// Runs only on text JSON.parse has already accepted; the one JSON string scanner.

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
  return i;
}

/** Index just past the string that opens at `i`. */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i + 1;
  }
  return i;
}

/** Index just past the value that starts at `i`. */
function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first === "{" || first === "[") {
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '"') i = skipString(text, i) - 1;
      else if (c === "{" || c === "[") depth++;
      else if ((c === "}" || c === "]") && --depth === 0) return i + 1;
    }
    return i;
  }
  while (i < text.length && !WHITESPACE.has(text[i] as string) && text[i] !== "," && text[i] !== "}") i++;
  return i;
}

/** Member name → raw value text; the last duplicate wins, as in JSON.parse. */
export function rawMembers(objectText: string): Map<string, string> {
  const members = new Map<string, string>();
  let i = skipWhitespace(objectText, 0) + 1;
  while (i < objectText.length) {
    i = skipWhitespace(objectText, i);
    if (objectText[i] !== '"') break;
    const keyEnd = skipString(objectText, i);
    const key = JSON.parse(objectText.slice(i, keyEnd)) as string;
    const valueStart = skipWhitespace(objectText, skipWhitespace(objectText, keyEnd) + 1);
    const valueEnd = skipValue(objectText, valueStart);
    members.set(key, objectText.slice(valueStart, valueEnd));
    i = skipWhitespace(objectText, valueEnd) + 1;
  }
  return members;
}

/**
 * Strips insignificant whitespace outside strings, leaving every token byte for byte,
 * so a signed `features` that was pretty-printed still fits on one response line.
 */
export function compactJson(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; ) {
    const c = text[i] as string;
    if (c === '"') {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
    } else {
      if (!WHITESPACE.has(c)) out += c;
      i++;
    }
  }
  return out;
}
