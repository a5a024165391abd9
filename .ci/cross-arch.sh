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
shim_c=$(mktemp --suffix=.c)
trap 'rm -f "$shim_c"' EXIT
cat >"$shim_c" <<'C'
#define _GNU_SOURCE
#include <link.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

char __libc_single_threaded = 0; /* 0: never take libstdc++'s single-thread shortcuts */
struct { unsigned int vendor, type, subtype, features[1]; } __cpu_model; /* all zero: generic code paths */
int __cpu_indicator_init(void) { return 0; }

size_t __strftime_l(char *s, size_t n, const char *f, const struct tm *tm, locale_t l) { return strftime_l(s, n, f, tm, l); }

unsigned int arc4random(void) {
  unsigned int v;
  while (getrandom(&v, sizeof v, 0) != sizeof v) {}
  return v;
}

/* thread_local destructors: run at thread exit through a pthread key. */
struct dtor { void (*fn)(void *); void *obj; struct dtor *next; };
static pthread_key_t dtor_key;
static pthread_once_t dtor_once = PTHREAD_ONCE_INIT;
static void run_dtors(void *head) {
  for (struct dtor *d = head, *next; d; d = next) { next = d->next; d->fn(d->obj); free(d); }
}
static void make_key(void) { pthread_key_create(&dtor_key, run_dtors); }
int __cxa_thread_atexit_impl(void (*fn)(void *), void *obj, void *dso) {
  (void)dso;
  pthread_once(&dtor_once, make_key);
  struct dtor *d = malloc(sizeof *d);
  if (!d) return -1;
  *d = (struct dtor){fn, obj, pthread_getspecific(dtor_key)};
  return pthread_setspecific(dtor_key, d);
}

/* glibc 2.35's unwinder lookup (libgcc_s uses it for C++ exceptions), from dl_iterate_phdr. */
struct dl_find_object { unsigned long long flags; void *map_start, *map_end, *link_map, *eh_frame; unsigned long long reserved[7]; };
struct find { unsigned long pc; struct dl_find_object *out; };
static int find_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct find *f = data;
  const ElfW(Phdr) *eh = NULL;
  unsigned long lo = ~0UL, hi = 0;
  int hit = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *p = &info->dlpi_phdr[i];
    unsigned long start = info->dlpi_addr + p->p_vaddr, end = start + p->p_memsz;
    if (p->p_type == PT_GNU_EH_FRAME) eh = p;
    if (p->p_type != PT_LOAD) continue;
    if (start < lo) lo = start;
    if (end > hi) hi = end;
    if (f->pc >= start && f->pc < end) hit = 1;
  }
  if (!hit) return 0;
  memset(f->out, 0, sizeof *f->out);
  f->out->map_start = (void *)lo;
  f->out->map_end = (void *)hi;
  f->out->eh_frame = eh ? (void *)(info->dlpi_addr + eh->p_vaddr) : NULL;
  return 1;
}
int _dl_find_object(void *pc, struct dl_find_object *out) {
  struct find f = {(unsigned long)pc, out};
  return dl_iterate_phdr(find_object, &f) ? 0 : -1;
}
C
"${sudo[@]}" mkdir -p "$compat_dir"
"${sudo[@]}" musl-gcc -shared -fPIC -O2 -Wall -Werror -Wl,-soname,ld-linux-x86-64.so.2 -o "$compat_dir/ld-linux-x86-64.so.2" "$shim_c"
for lib in libstdc++.so.6 libgcc_s.so.1; do
  "${sudo[@]}" ln -sfn "$(realpath "/usr/lib/x86_64-linux-gnu/$lib")" "$compat_dir/$lib"
done

echo "cross-arch: ready: $(command -v qemu-aarch64-static), /usr/aarch64-linux-gnu, /lib/ld-musl-x86_64.so.1, $compat_dir"
