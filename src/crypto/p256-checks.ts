// P-256 range and curve checks in plain BigInt arithmetic (SEC 1, FIPS 186-4 D.1.2.3),
// so parsing a key loads no curve library and builds no tables. Pure; public data only.

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString("hex") || "0"}`);
const mod = (a: bigint): bigint => ((a % P) + P) % P;

/** An uncompressed point (0x04 ‖ x ‖ y) on the curve: y² = x³ − 3x + b mod p. The cofactor is 1, so that is the whole group check. */
export function isP256Point(point: Uint8Array): boolean {
  if (point.length !== 65 || point[0] !== 4) return false;
  const x = toBigInt(point.subarray(1, 33));
  const y = toBigInt(point.subarray(33));
  if (x >= P || y >= P) return false;
  return mod(y * y - (x * x * x - 3n * x + B)) === 0n;
}

/** A 32-byte secret scalar in [1, n−1]. Not constant-time: called on a key being loaded or made, never in a loop an observer can time. */
export function isP256Scalar(secret: Uint8Array): boolean {
  if (secret.length !== 32) return false;
  const d = toBigInt(secret);
  return d > 0n && d < N;
}
