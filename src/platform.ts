// The platform names of spec 4.1, from Node's os/arch pair.

export type Platform = "LINUX_AMD64" | "LINUX_ARM64" | "DARWIN_AMD64" | "DARWIN_ARM64" | "WINDOWS_AMD64" | "WINDOWS_ARM64";

const OS: Record<string, string> = { linux: "LINUX", darwin: "DARWIN", win32: "WINDOWS" };
const ARCH: Record<string, string> = { x64: "AMD64", arm64: "ARM64" };

export function detectPlatform(os: string = process.platform, arch: string = process.arch): Platform {
  const name = OS[os] && ARCH[arch] ? `${OS[os]}_${ARCH[arch]}` : null;
  if (!name) throw new Error(`unsupported platform: ${os}/${arch}`);
  return name as Platform;
}
