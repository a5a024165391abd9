// A throwaway certificate authority made at test time with the openssl CLI: a CA,
// and leaves for chosen names and dates (trusted, expired, wrong host) signed by it.
import { afterAll, beforeAll } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { missingCommand } from "./system.ts";

/** Why the CA cannot be made here, or undefined. */
export const MISSING_OPENSSL = missingCommand("openssl", "openssl");

export interface Leaf {
  /** The leaf followed by the CA, as a server sends its chain. */
  chainPem: string;
  keyPem: string;
}

export interface LeafOptions {
  /** DNS names and IP addresses for subjectAltName; the first is the subject CN. */
  names: readonly string[];
  /** openssl `YYYYMMDDHHMMSSZ`; default: valid from yesterday for two days. */
  notBefore?: string;
  notAfter?: string;
}

export interface TestCa {
  name: string;
  dir: string;
  certPath: string;
  certPem: string;
  issue(options: LeafOptions): Leaf;
  /** Deletes the CA's directory (keys, leaves, files written into it). */
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  const result = Bun.spawnSync(["openssl", ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr.toString()}`);
}

const stamp = (ms: number) => `${new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
const isIp = (name: string) => /^[\d.]+$/.test(name) || name.includes(":");

/** A fresh P-256 CA named `name` in its own temp directory. */
export function makeTestCa(name: string): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-ca-"));
  mkdirSync(join(dir, "db"));
  writeFileSync(join(dir, "db", "index.txt"), "");
  writeFileSync(join(dir, "db", "serial"), "01\n");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(
    [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  const certPem = readFileSync(join(dir, "ca.pem"), "utf8");
  let serial = 0;
  return {
    name,
    dir,
    certPath: join(dir, "ca.pem"),
    certPem,
    remove: () => rmSync(dir, { recursive: true, force: true }),
    issue({ names, notBefore = stamp(Date.now() - 86_400_000), notAfter = stamp(Date.now() + 2 * 86_400_000) }) {
      const leaf = `leaf${++serial}`;
      const san = names.map((n) => (isIp(n) ? `IP:${n}` : `DNS:${n}`)).join(",");
      // `openssl ca` rather than `x509 -req`: OpenSSL 3.0 (Debian 12) sets arbitrary dates only there.
      writeFileSync(
        join(dir, `${leaf}.cnf`),
        `[ca]\ndefault_ca=d\n[d]\ndatabase=db/index.txt\nnew_certs_dir=db\nserial=db/serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n[ext]\nsubjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
      );
      openssl(["req", ...ec, "-keyout", `${leaf}.key`, "-out", `${leaf}.csr`, "-subj", `/CN=${names[0]}`], dir);
      openssl(
        [
          "ca",
          "-batch",
          "-notext",
          "-config",
          `${leaf}.cnf`,
          "-cert",
          "ca.pem",
          "-keyfile",
          "ca.key",
          "-in",
          `${leaf}.csr`,
          "-out",
          `${leaf}.pem`,
          "-startdate",
          notBefore,
          "-enddate",
          notAfter,
          "-extensions",
          "ext",
        ],
        dir,
      );
      return {
        chainPem: `${readFileSync(join(dir, `${leaf}.pem`), "utf8")}${certPem}`,
        keyPem: readFileSync(join(dir, `${leaf}.key`), "utf8"),
      };
    },
  };
}

/** Dates of a leaf that expired long ago. */
export const EXPIRED = { notBefore: "20200101000000Z", notAfter: "20200102000000Z" };

/** A CA made before the tests of the enclosing describe and removed after them; `file` is its PEM. */
export function suiteCa(name: string): { readonly ca: TestCa; readonly file: string } {
  let made: TestCa | undefined;
  beforeAll(() => {
    made = makeTestCa(name);
  });
  afterAll(() => made?.remove());
  const ca = () => {
    if (!made) throw new Error(`test CA ${name} used outside its describe`);
    return made;
  };
  return {
    get ca() {
      return ca();
    },
    get file() {
      return ca().certPath;
    },
  };
}
