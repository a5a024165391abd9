// Build-time constants (spec 10). build.ts defines these identifiers; running
// from source they are absent, which means "no key" and "not a test build".

declare const SENTINEL_VERSION: string | undefined;
declare const SENTINEL_ORG_KEY_PEM: string | undefined;
declare const SENTINEL_TEST_BUILD: boolean | undefined;

export const VERSION: string = typeof SENTINEL_VERSION === "string" ? SENTINEL_VERSION : "0.0.0-dev";
export const EMBEDDED_ORG_KEY_PEM: string = typeof SENTINEL_ORG_KEY_PEM === "string" ? SENTINEL_ORG_KEY_PEM : "";
/** Test builds honour SENTINEL_HW_ROOT and SENTINEL_TEST_MINUTE_MS; in release builds build.ts defines both away. */
export const TEST_BUILD: boolean = typeof SENTINEL_TEST_BUILD === "boolean" ? SENTINEL_TEST_BUILD : false;
