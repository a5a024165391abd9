// JSON read as text, never re-serialised: the raw text of each top-level member, so
// values reach the software exactly as signed (integers above 2^53, `1.0`) and `1.0`
// can be told apart from `1`; and compaction that keeps every token byte for byte.
// Runs only on text JSON.parse has already accepted; the one JSON string scanner.

// Character codes, not one-character strings: the IPC server runs this on every request.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isWhitespace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string that opens at `i`. */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i + 1;
  }
  return i;
}

/** Index just past the value that starts at `i`. */
function skipValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return skipString(text, i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) i = skipString(text, i) - 1;
      else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
      else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && --depth === 0) return i + 1;
    }
    return i;
  }
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isWhitespace(code) || code === COMMA || code === CLOSE_BRACE) break;
  }
  return i;
}

/** A member name from its quoted text: decoded only when it holds an escape. */
function memberName(quoted: string): string {
  return quoted.includes("\\") ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
}

/** Calls `visit` with each top-level member's quoted name and the bounds of its raw value. */
function eachMember(objectText: string, visit: (quotedName: string, valueStart: number, valueEnd: number) => void): void {
  let i = skipWhitespace(objectText, 0) + 1;
  while (i < objectText.length) {
    i = skipWhitespace(objectText, i);
    if (objectText.charCodeAt(i) !== QUOTE) break;
    const keyEnd = skipString(objectText, i);
    const valueStart = skipWhitespace(objectText, skipWhitespace(objectText, keyEnd) + 1);
    const valueEnd = skipValue(objectText, valueStart);
    visit(objectText.slice(i, keyEnd), valueStart, valueEnd);
    i = skipWhitespace(objectText, valueEnd) + 1;
  }
}

/** Member name → raw value text; the last duplicate wins, as in JSON.parse. */
export function rawMembers(objectText: string): Map<string, string> {
  const members = new Map<string, string>();
  eachMember(objectText, (quoted, start, end) => members.set(memberName(quoted), objectText.slice(start, end)));
  return members;
}

/** The raw value text of one member (the last, as in JSON.parse), or undefined: no map, for one lookup per IPC request. */
export function rawMember(objectText: string, name: string): string | undefined {
  const quotedName = JSON.stringify(name);
  let found: string | undefined;
  eachMember(objectText, (quoted, start, end) => {
    if (quoted === quotedName || (quoted.includes("\\") && memberName(quoted) === name)) found = objectText.slice(start, end);
  });
  return found;
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
      if (!isWhitespace(text.charCodeAt(i))) out += c;
      i++;
    }
  }
  return out;
}
