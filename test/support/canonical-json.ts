// Canonical JSON for producers of signed payloads (spec 2): exactly Python's
// json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).
// Test-side only: the sentinel verifies bytes as received and never re-serialises.

/** An integer kept as its exact decimal text (any size). */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** A Python float: written as Python's repr writes it (`1.0`, `1e+16`, `1.5e-07`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

function escapeString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char === "\b") out += "\\b";
    else if (char === "\f") out += "\\f";
    else if (code < 0x20 || code > 0x7e) {
      // JS strings are UTF-16 already: astral characters come out as surrogate pairs.
      for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`;
    } else out += char;
  }
  return `${out}"`;
}

/** Code point order, as Python sorts str keys (not UTF-16 unit order). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** Python's float repr: shortest round-trip digits, exponent form when the point is far out. */
export function pythonFloatRepr(value: number): string {
  if (!Number.isFinite(value)) throw new Error("canonical JSON has no NaN or Infinity");
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  const [mantissa, exponent] = Math.abs(value).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const point = Number(exponent) + 1;
  if (point <= -4 || point > 16) {
    const exp = point - 1;
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : "";
    return `${sign}${digits[0]}${rest}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value) && !Object.is(value, -0)) return BigInt(value).toString();
  return pythonFloatRepr(value);
}

/** JSON.parse that keeps integers exact (RawNumber) and floats as floats (PyFloat). */
export function parseJsonLossless(text: string): unknown {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxError(`bad JSON at ${i}`);
  };
  const ws = () => {
    while (" \t\n\r".includes(text[i] ?? "x")) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === "}") return (i++, out);
      for (;;) {
        ws();
        const key = value();
        if (typeof key !== "string") fail();
        ws();
        if (text[i++] !== ":") fail();
        out[key as string] = value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i++] === "}") return out;
        else fail();
      }
    }
    if (c === "[") {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === "]") return (i++, out);
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i++] === "]") return out;
        else fail();
      }
    }
    const token = /^(?:"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!token) return fail();
    i += token[0].length;
    const t = token[0];
    if (/^-?\d+$/.test(t)) return new RawNumber(BigInt(t).toString());
    if (/^-?\d/.test(t)) return new PyFloat(Number(t));
    return JSON.parse(t);
  };
  const result = value();
  ws();
  if (i !== text.length) fail();
  return result;
}

export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof RawNumber) return value.text;
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return escapeString(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => compareCodePoints(a, b));
    return `{${entries.map(([k, v]) => `${escapeString(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new Error(`canonical JSON cannot encode ${typeof value}`);
}
