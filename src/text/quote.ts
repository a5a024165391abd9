// The one rule for untrusted text (a licence field, a file's or a tool's content, a
// server's word) in a one-line message: no line breaks, no terminal escapes, bounded.

/** Characters kept; the printable-ASCII test in shown() uses the same bound. */
const LIMIT = 64;

/** Short printable ASCII as it is, anything else as quoted(). */
export function shown(value: unknown): string {
  if (typeof value === "string" && /^[\x20-\x7e]{1,64}$/.test(value)) return value;
  return quoted(value);
}

/** JSON text of an untrusted value, cut to a readable length. */
export function quoted(value: unknown): string {
  const text = JSON.stringify(value ?? null).replace(/[\u2028\u2029]/g, " ");
  return text.length > LIMIT ? `${text.slice(0, LIMIT)}…` : text;
}
