// Canonical JSON (spec 2) for the one payload the sentinel itself signs: offline
// request files. Python's json.dumps(sort_keys=True, separators=(",", ":"),
// ensure_ascii=True) for strings, safe integers, booleans, null, arrays and objects.

/** Escapes as Python does: the short escapes, other controls and every non-ASCII UTF-16 unit as \uXXXX. */
function quote(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Python sorts str keys by code point, which differs from UTF-16 order above U+FFFF. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "string") return quote(value);
  if (typeof value === "number") {
    // Floats have no single Python spelling here; the sentinel never signs one.
    if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON: not a safe integer: ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => byCodePoint(a, b));
    return `{${entries.map(([k, v]) => `${quote(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`canonical JSON cannot encode ${typeof value}`);
}
