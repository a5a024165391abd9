// Flags shared by several verbs (spec 9.1). Each command picks the ones it uses.
import type { ArgDef } from "citty";
import { LOG_LEVELS } from "../log.ts";

export const licenseArg = {
  type: "string",
  description: "Path to the signed licence file (.lic)",
  valueHint: "file",
  required: true,
} satisfies ArgDef;
export const softwareArg = {
  type: "string",
  description: "The licensed program to launch",
  valueHint: "path",
  required: true,
} satisfies ArgDef;
export const serverUrlArg = {
  type: "string",
  description: "DRM server base URL (default: the licence's server_url)",
  valueHint: "url",
} satisfies ArgDef;
export const stateDirArg = { type: "string", description: "State directory (env SENTINEL_STATE_DIR)", valueHint: "dir" } satisfies ArgDef;
export const keystoreArg = {
  type: "enum",
  options: ["auto", "os", "file"],
  description: "Keystore backend (env SENTINEL_KEYSTORE, default auto)",
} satisfies ArgDef;
export const softwareVersionArg = {
  type: "string",
  description: "Version reported to the DRM server",
  valueHint: "version",
} satisfies ArgDef;
export const stopTimeoutArg = {
  type: "string",
  description: "Seconds between SIGTERM and SIGKILL when stopping the software",
  default: "10",
} satisfies ArgDef;
export const logLevelArg = {
  type: "enum",
  options: [...LOG_LEVELS],
  description: "Log verbosity (stderr)",
  default: "info",
} satisfies ArgDef;
export const jsonArg = { type: "boolean", description: "Machine-readable output on stdout" } satisfies ArgDef;
export const proxyArg = {
  type: "string",
  description: "HTTP proxy for the DRM server (env SENTINEL_PROXY; else HTTPS_PROXY/HTTP_PROXY, minus NO_PROXY)",
  valueHint: "url",
} satisfies ArgDef;
export const caFileArg = {
  type: "string",
  description: "Extra trusted CA certificates, PEM; repeatable (env SENTINEL_CA_FILE, NODE_EXTRA_CA_CERTS)",
  valueHint: "pem",
} satisfies ArgDef;

/** What the STANDARD verbs `run` and `activate` take to reach the server, in their --help order. */
export const serverArgs = {
  "server-url": serverUrlArg,
  "state-dir": stateDirArg,
  keystore: keystoreArg,
  "software-version": softwareVersionArg,
  proxy: proxyArg,
  "ca-file": caFileArg,
};
