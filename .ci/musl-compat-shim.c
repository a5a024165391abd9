/* The glibc-only symbols Debian's glibc-built libstdc++ and libgcc_s import, for Debian's
 * musl loader, so Bun's musl build runs on a Debian host (test/e2e/cross-arch.test.ts).
 * Built by .ci/cross-arch.sh as ld-linux-x86-64.so.2; why that name is explained there. */
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
