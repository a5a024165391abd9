// The one UTF-8 codec: text to bytes, and bytes to text either strictly (a malformed
// byte is an error, for anything signed, sealed or spoken over IPC) or lossily (for
// a tool's output shown in a message).
const encoder = new TextEncoder();
const strict = new TextDecoder("utf-8", { fatal: true });
const lossy = new TextDecoder("utf-8");

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Throws a TypeError on a malformed byte rather than turning it into U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return strict.decode(bytes);
}

/** As decodeUtf8, with null for malformed bytes. */
export function decodeUtf8OrNull(bytes: Uint8Array): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

/** Malformed bytes become U+FFFD. */
export function decodeUtf8Lossy(bytes: Uint8Array): string {
  return lossy.decode(bytes);
}
