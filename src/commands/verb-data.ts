// What cli.ts hands every verb besides its parsed flags (citty's `data`).
export interface VerbData {
  /** Arguments after `--`, handed to the software unchanged. */
  passthrough: string[];
}
