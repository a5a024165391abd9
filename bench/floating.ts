// The cost of a floating start (spec 16): a STANDARD run of /bin/true whose
// licence floats (lease before launch, release after exit: two more round trips
// to the loopback server) against the same run of a plain STANDARD licence.
import { rmSync } from "node:fs";
import { standardWorld } from "../test/support/standard-world.ts";
import { type Command, compareRuns } from "./process-measure.ts";
import { activateOnce, type StartupContext } from "./startup.ts";
import { fmt, type Row, ratioRow } from "./table.ts";

export async function benchFloating(ctx: StartupContext): Promise<Row[]> {
  const world = await standardWorld();
  try {
    // One licence key, two files: the server lets it float, only the floating file asks for a seat.
    await world.server.floating.configure(world.licenseKey, 1000);
    const floatingLicense = await world.mint({ max_concurrent: 1000 }, "floating.lic");
    const env = await activateOnce(ctx.sentinel, world);
    const run = (license: string): Command => ({ argv: [ctx.sentinel, "run", "--license", license, "--software", "/bin/true"], env });
    const [floating, plain] = await compareRuns([run(floatingLicense), run(world.licensePath)], ctx.reps);
    const counts = await world.server.admin.requestCounts();
    const runs = ctx.reps.warmups + ctx.reps.runs + ctx.reps.rssRuns;
    return [
      ratioRow(
        `start-to-exit, floating STANDARD run of /bin/true (${counts.lease ?? 0} leases, ${counts["lease-release"] ?? 0} releases for ${runs} runs)`,
        `${fmt(floating.ms)} ms`,
        `plain STANDARD run: ${fmt(plain.ms)} ms`,
        floating.ms / plain.ms,
      ),
    ];
  } finally {
    await world.stop();
    rmSync(world.dir, { recursive: true, force: true });
  }
}
