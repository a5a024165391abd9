// Entry point: the command line and its modules. Nothing else runs before it: the
// launch no longer re-runs this binary (the exec helper is native/exec-helper.c).
await import("./cli.ts");

export {};
