// Org and machine key generation for tests and the demo (test-only keys).
import { generateSecretKey, publicPointOf } from "../../src/crypto/es256.ts";
import { parsePrivateKeyPem, parsePublicKeyPem, writePrivateKeyPem, writePublicKeyPem } from "../../src/crypto/pem.ts";

export interface KeyPair {
  secret: Uint8Array;
  point: Uint8Array;
  privatePem: string;
  publicPem: string;
}

export async function generateKeyPair(): Promise<KeyPair> {
  const secret = generateSecretKey();
  const point = await publicPointOf(secret);
  return { secret, point, privatePem: await writePrivateKeyPem(secret), publicPem: writePublicKeyPem(point) };
}

export async function keyPairFromPem(privatePem: string): Promise<KeyPair> {
  const secret = parsePrivateKeyPem(privatePem);
  const point = await publicPointOf(secret);
  return { secret, point, privatePem, publicPem: writePublicKeyPem(point) };
}

export { parsePublicKeyPem };

/** CLI: `bun test/support/keys.ts <dir>` writes org_private.pem and org_public.pem there. */
if (import.meta.main) {
  const dir = process.argv[2] ?? ".";
  const pair = await generateKeyPair();
  await Bun.write(`${dir}/org_private.pem`, pair.privatePem, { mode: 0o600 });
  await Bun.write(`${dir}/org_public.pem`, pair.publicPem);
  process.stderr.write(`wrote ${dir}/org_private.pem and ${dir}/org_public.pem\n`);
}
