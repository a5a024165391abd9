// Baseline for start-up and memory: a compiled Bun program that only spawns its
// arguments with stdio inherited and exits with the child's status.
const child = Bun.spawn(process.argv.slice(2), { stdio: ["inherit", "inherit", "inherit"] });
process.exit(await child.exited);

export {};
