#!/usr/bin/env bash
# Installs what build.ts needs to compile the exec helper for linux-arm64 (native/), and
# what test/e2e/cross-arch.test.ts needs to execute the linux-arm64 and
# linux-x64-musl builds on this x86_64 Debian host; the tests run in `npm test`.
# Idempotent: installs only what is missing, runs apt-get update only if needed.
set -euo pipefail

# Fixed path the test reads (MUSL_COMPAT_DIR in test/e2e/cross-arch.test.ts).
compat_dir=/usr/local/lib/sentinel-musl-compat
packages=(qemu-user-static libc6-arm64-cross musl musl-tools gcc gcc-aarch64-linux-gnu)

if [[ $(uname -m) != x86_64 ]]; then
  echo "cross-arch: needs an x86_64 host (this is $(uname -m))" >&2
  exit 1
fi
sudo=()
[[ $EUID -eq 0 ]] || sudo=(sudo)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "cross-arch: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has no package lists, an old one may have stale ones: update only then.
  if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    echo "cross-arch: package lists missing or stale; running apt-get update"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# Bun's musl build needs a musl-built libstdc++.so.6 (Alpine's `libstdc++`), which
# Debian does not ship. Debian's musl loader (/lib/ld-musl-x86_64.so.1) can load
# Debian's glibc-built libstdc++ and libgcc_s once the few glibc-only symbols they
# import exist; the shim below defines them. It is named ld-linux-x86-64.so.2, the
# one dependency of libstdc++ that musl cannot satisfy, so musl loads it in that
# slot, while glibc programs (the software the sentinel launches inherits
# LD_LIBRARY_PATH) never look it up on a library path: their loader has that name.
# The shim's source: .ci/musl-compat-shim.c.
shim_c="$(cd "$(dirname "$0")" && pwd)/musl-compat-shim.c"
"${sudo[@]}" mkdir -p "$compat_dir"
"${sudo[@]}" musl-gcc -shared -fPIC -O2 -Wall -Werror -Wl,-soname,ld-linux-x86-64.so.2 -o "$compat_dir/ld-linux-x86-64.so.2" "$shim_c"
for lib in libstdc++.so.6 libgcc_s.so.1; do
  "${sudo[@]}" ln -sfn "$(realpath "/usr/lib/x86_64-linux-gnu/$lib")" "$compat_dir/$lib"
done

echo "cross-arch: ready: $(command -v qemu-aarch64-static), /usr/aarch64-linux-gnu, /lib/ld-musl-x86_64.so.1, $compat_dir"
