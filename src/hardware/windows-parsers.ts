// Pure parser of the one-value PowerShell queries the Windows collector runs.
// Output may carry a BOM, CRLF line ends, blank padding lines and padded values.
import { textLines } from "./parts.ts";

/**
 * The first non-blank line, trimmed; null when there is none. A machine with
 * several processors prints one ProcessorId per line: the first is taken.
 */
export function parsePowershellValue(text: string): string | null {
  for (const line of textLines(text)) {
    const value = line.trim();
    if (value !== "") return value;
  }
  return null;
}
