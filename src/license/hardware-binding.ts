// The v2 `hardware_binding` of a HARDWARE_BOUND licence (spec 3.2, 13.3): its
// shape, checked member by member with `invalid hardware_binding: <what>`, and
// the socket id made from it. Pure; the raw signed text is judged, as for all fields.

import { sha256Hex } from "../crypto/sha256.ts";
import { LicenseError } from "../errors.ts";
import { type ComponentName, ENVIRONMENTS, type Environment, isComponentName } from "../hardware/components.ts";
import { shown } from "../text/quote.ts";
import { rawMembers } from "../text/raw-json.ts";
import { describeJsonType } from "./fields.ts";

export interface HardwareBinding {
  components: Partial<Record<ComponentName, string>>;
  minMatch: number;
  environments?: Environment[];
  /** Spec 13.3: first 16 hex of SHA-256 of the binding's canonical JSON; names the socket. */
  socketId: string;
}

const MEMBERS = ["v", "components", "min_match", "environments"];

function invalid(what: string): LicenseError {
  return new LicenseError(`invalid hardware_binding: ${what}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** An integer as written (`2`, not `2.0` or `2e0`), like every integer of the payload. */
function integerMember(value: unknown, raw: string | undefined): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && /^-?(0|[1-9][0-9]*)$/.test(raw ?? "") ? value : null;
}

function readComponents(value: unknown): Partial<Record<ComponentName, string>> {
  if (!isObject(value) || Object.keys(value).length === 0) throw invalid("components must be a non-empty object");
  const components: Partial<Record<ComponentName, string>> = {};
  for (const [name, hash] of Object.entries(value)) {
    if (!isComponentName(name)) throw invalid(`unknown component ${shown(name)}`);
    if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) throw invalid(`components.${name} must be 64 lowercase hex digits`);
    components[name] = hash;
  }
  return components;
}

function readEnvironments(value: unknown): Environment[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid("environments must be a non-empty list");
  for (const item of value) {
    if (!(ENVIRONMENTS as readonly unknown[]).includes(item)) {
      throw invalid(`unknown environment ${shown(item)} (expected ${ENVIRONMENTS.join(", ")})`);
    }
  }
  return value as Environment[];
}

/**
 * Canonical JSON (spec 2) of a checked binding. Every string in it is a known name or
 * lowercase hex, so JSON.stringify with sorted keys already writes what Python would.
 */
function canonicalBinding(value: Record<string, unknown>): string {
  const sorted = (item: unknown): unknown =>
    isObject(item)
      ? Object.fromEntries(
          Object.keys(item)
            .sort()
            .map((key) => [key, sorted(item[key])]),
        )
      : item;
  return JSON.stringify(sorted(value));
}

/** Checks `hardware_binding` as decoded, with its raw signed text for the integers. */
export function readHardwareBinding(value: unknown, rawText: string): HardwareBinding {
  if (!isObject(value)) throw invalid(`expected an object, found ${describeJsonType(value)}`);
  const raw = rawMembers(rawText);
  if (integerMember(value.v, raw.get("v")) !== 2) throw invalid("v must be 2");
  const components = readComponents(value.components);
  const count = Object.keys(components).length;
  const minMatch = integerMember(value.min_match, raw.get("min_match"));
  if (minMatch === null || minMatch < 1 || minMatch > count) throw invalid(`min_match must be an integer from 1 to ${count}`);
  const unknown = Object.keys(value).find((key) => !MEMBERS.includes(key));
  // Refused rather than ignored: the socket id is the canonical JSON of what we understood.
  if (unknown !== undefined) throw invalid(`unknown member ${shown(unknown)}`);
  const binding: HardwareBinding = { components, minMatch, socketId: sha256Hex(canonicalBinding(value)).slice(0, 16) };
  if (value.environments !== undefined) binding.environments = readEnvironments(value.environments);
  return binding;
}
