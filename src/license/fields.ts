// Typed readers for signed payload fields (spec 3.2): each returns the value or
// throws a LicenseError naming the field. Integers are judged on their raw text,
// so `1.0` is not an integer. `null` for an optional field counts as absent.
import { LicenseError } from "../errors.ts";
import { quoted, shown } from "../text/quote.ts";

export class PayloadFields {
  constructor(
    private readonly values: Record<string, unknown>,
    private readonly raw: Map<string, string>,
  ) {}

  has(name: string): boolean {
    return this.values[name] !== undefined && this.values[name] !== null;
  }

  private present(name: string): unknown {
    if (!(name in this.values)) throw new LicenseError(`license missing ${name}`);
    return this.values[name];
  }

  string(name: string): string {
    const value = this.present(name);
    if (typeof value !== "string") throw new LicenseError(`invalid ${name}: expected a string, found ${describeJsonType(value)}`);
    return value;
  }

  nonEmptyString(name: string): string {
    const value = this.string(name);
    if (value === "") throw new LicenseError(`invalid ${name}: must not be empty`);
    return value;
  }

  integer(name: string): number {
    const value = this.present(name);
    const text = this.raw.get(name) ?? "";
    if (typeof value !== "number" || !/^-?(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(value)) {
      throw new LicenseError(
        `invalid ${name}: expected an integer, found ${typeof value === "number" ? shown(text) : describeJsonType(value)}`,
      );
    }
    return value;
  }

  positiveInteger(name: string, minimum = 1): number {
    const value = this.integer(name);
    if (value < minimum) throw new LicenseError(`invalid ${name}: must be at least ${minimum}`);
    return value;
  }

  /** The raw JSON text of an object member, exactly as signed. */
  objectText(name: string): string {
    const value = this.present(name);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new LicenseError(`invalid ${name}: expected an object, found ${describeJsonType(value)}`);
    }
    return this.raw.get(name) as string;
  }
}

export function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return `a ${typeof value}`;
}

/** A `YYYY-MM-DD` string that names a real calendar date. */
export function calendarDate(fields: PayloadFields, name: string): string {
  const text = fields.string(name);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new LicenseError(`invalid ${name}: ${quoted(text)} (expected YYYY-MM-DD)`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // Year 0 does not exist in Python's calendar (MINYEAR is 1), which issues these dates.
  if (year < 1 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new LicenseError(`invalid ${name}: ${text} is not a calendar date`);
  }
  return text;
}

/** The UTC calendar day of a Unix time in milliseconds, as `YYYY-MM-DD`. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
