/*
 * The exec helper (spec 7.1, 12.4; issue 15): what a Linux sentinel's child runs
 * between fork and the software. Built static with no libc (raw system calls) for
 * x86_64 and aarch64, embedded in the sentinel and run from a sealed memfd.
 *
 *   exec-helper <sentinel pid> <path> <argv0 for the software> [args...]
 *   <path> empty: execute fd 4 itself; else execute <path> (a script without a checksum,
 *   whose interpreter must see its real name in $0)
 *   fd 3: handshake pipe (one byte "R" says the helper runs)
 *   fd 4: the software file, opened and hashed by the sentinel: what gets executed
 *   fd 5: this helper's own image (the memfd)
 *
 * It asks for SIGKILL when its parent dies, then checks that the parent is still
 * the sentinel (it may have died before the request took effect), restores the
 * signal handling Bun changed, closes what the software must not inherit and
 * executes fd 4 in place: same pid, stdio and environment.
 */
#define HANDSHAKE_FD 3
#define SOFTWARE_FD 4
#define SELF_FD 5
#define EXIT_INTERNAL 70

#if defined(__x86_64__)
enum { SYS_write = 1, SYS_rt_sigaction = 13, SYS_rt_sigprocmask = 14, SYS_pread64 = 17, SYS_fcntl = 72,
       SYS_getppid = 110, SYS_prctl = 157, SYS_exit_group = 231, SYS_execveat = 322, SYS_execve = 59 };
static long sys6(long n, long a, long b, long c, long d, long e) {
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
  return ret;
}
__asm__(".globl _start\n_start:\n xor %rbp, %rbp\n mov %rsp, %rdi\n and $-16, %rsp\n call helper_main\n hlt\n");
#elif defined(__aarch64__)
enum { SYS_write = 64, SYS_rt_sigaction = 134, SYS_rt_sigprocmask = 135, SYS_pread64 = 67, SYS_fcntl = 25,
       SYS_getppid = 173, SYS_prctl = 167, SYS_exit_group = 94, SYS_execveat = 281, SYS_execve = 221 };
static long sys6(long n, long a, long b, long c, long d, long e) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
  return x0;
}
__asm__(".globl _start\n_start:\n mov x29, #0\n mov x0, sp\n bl helper_main\n");
#else
#error "exec-helper: x86_64 or aarch64 only"
#endif

#define F_SETFD 2
#define FD_CLOEXEC 1
#define PR_SET_PDEATHSIG 1
#define SIGKILL 9
#define SIGPIPE 13
#define SIGXFSZ 25
#define SIG_SETMASK 2
#define AT_EMPTY_PATH 0x1000
#define ENOSYS 38

/* struct sigaction as the kernel takes it, all zero: SIG_DFL, no flags, empty mask. */
static const unsigned long default_action[4];
static const unsigned long empty_set;

static unsigned long length(const char *s) {
  unsigned long n = 0;
  while (s[n]) n++;
  return n;
}

static void say(const char *text) { sys6(SYS_write, 2, (long)text, (long)length(text), 0, 0); }

static __attribute__((noreturn)) void fail(const char *why, long error) {
  char digits[24];
  int i = sizeof digits;
  digits[--i] = 0;
  digits[--i] = '\n';
  digits[--i] = ')';
  unsigned long e = (unsigned long)-error;
  do digits[--i] = (char)('0' + e % 10); while ((e /= 10) && i > 8);
  say("sentinel error: ");
  say(why);
  say(" (errno ");
  say(digits + i);
  for (;;) sys6(SYS_exit_group, EXIT_INTERNAL, 0, 0, 0, 0);
}

static long parse_pid(const char *s) {
  long pid = 0;
  if (!*s) return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || pid > 4194304) return -1;
    pid = pid * 10 + (*s - '0');
  }
  return pid;
}

__attribute__((noreturn, used)) void helper_main(long *sp) {
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  if (argc < 4) fail("exec helper: usage: exec-helper <parent pid> <path> <argv0> [args...]", -22);
  long parent = parse_pid(argv[1]);

  sys6(SYS_write, HANDSHAKE_FD, (long)"R", 1, 0, 0);
  long r = sys6(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (r != 0) fail("prctl(PR_SET_PDEATHSIG) failed", r);
  /* The sentinel may have died before the request took effect: then nobody would kill us. */
  if (sys6(SYS_getppid, 0, 0, 0, 0, 0) != parent) fail("the sentinel exited before the software started", -3);

  /* Bun ignores SIGPIPE and SIGXFSZ; an ignored disposition would survive exec. */
  sys6(SYS_rt_sigaction, SIGPIPE, (long)default_action, 0, 8, 0);
  sys6(SYS_rt_sigaction, SIGXFSZ, (long)default_action, 0, 8, 0);
  sys6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&empty_set, 0, 8, 0);

  sys6(SYS_fcntl, HANDSHAKE_FD, F_SETFD, FD_CLOEXEC, 0, 0);
  sys6(SYS_fcntl, SELF_FD, F_SETFD, FD_CLOEXEC, 0, 0);
  char **software_argv = argv + 3;
  if (argv[2][0]) {
    sys6(SYS_fcntl, SOFTWARE_FD, F_SETFD, FD_CLOEXEC, 0, 0);
    r = sys6(SYS_execve, (long)argv[2], (long)software_argv, (long)envp, 0, 0);
    fail("cannot execute the software", r);
  }
  /* A script's interpreter reads it through /dev/fd/4, so a script keeps it; a binary does not. */
  char magic[2] = {0, 0};
  int script = sys6(SYS_pread64, SOFTWARE_FD, (long)magic, 2, 0, 0) == 2 && magic[0] == '#' && magic[1] == '!';
  if (!script) sys6(SYS_fcntl, SOFTWARE_FD, F_SETFD, FD_CLOEXEC, 0, 0);
  r = sys6(SYS_execveat, SOFTWARE_FD, (long)"", (long)software_argv, (long)envp, AT_EMPTY_PATH);
  if (r == -ENOSYS) r = sys6(SYS_execve, (long)"/proc/self/fd/4", (long)software_argv, (long)envp, 0, 0);
  fail("cannot execute the software", r);
}
