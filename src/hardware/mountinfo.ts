// Parsing /proc/self/mountinfo (proc(5)) to find what is mounted at "/". Pure:
// the caller reads the file. Every field is checked before use.

export interface MountEntry {
  mountPoint: string;
  fstype: string;
  source: string;
}

/** The kernel writes space, tab, newline and backslash in paths as `\ooo` octal escapes. */
export function decodeMountinfoEscapes(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/**
 * One line: `id parent major:minor root mountpoint options [optional…] - fstype source superopts`.
 * The optional fields end at a lone "-"; null for a line without that shape.
 */
export function parseMountinfoLine(line: string): MountEntry | null {
  const fields = line.split(" ");
  const separator = fields.indexOf("-", 6);
  const mountPoint = fields[4];
  const fstype = separator < 0 ? undefined : fields[separator + 1];
  const source = separator < 0 ? undefined : fields[separator + 2];
  if (mountPoint === undefined || fstype === undefined || source === undefined) return null;
  return { mountPoint: decodeMountinfoEscapes(mountPoint), fstype, source: decodeMountinfoEscapes(source) };
}

/** The mount at "/": the last such line, since a later mount hides an earlier one. */
export function findRootMount(text: string): MountEntry | null {
  let found: MountEntry | null = null;
  for (const line of text.split("\n")) {
    const entry = parseMountinfoLine(line);
    if (entry?.mountPoint === "/") found = entry;
  }
  return found;
}
