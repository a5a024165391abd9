// Worlds that last one test: e2e files make their STANDARD worlds through this, so each
// one is stopped (server, files) after its test whatever the test did. Needs bun:test,
// so it stays apart from standard-world.ts, which the bench imports too.
import { afterEach } from "bun:test";
import { standardWorld, type World, type WorldOptions } from "./standard-world.ts";

/**
 * The one way an e2e file manages its worlds: `const world = worldPerTest(defaults)` at the
 * top, `const w = await world(options)` in a test; every world made is stopped after each test.
 * Not for test.concurrent: attacks.test.ts scopes each world to its test body instead.
 */
export function worldPerTest(defaults: WorldOptions = {}): (options?: WorldOptions) => Promise<World> {
  const made: World[] = [];
  afterEach(async () => {
    for (const world of made.splice(0)) await world.stop();
  });
  return async (options = {}) => {
    const world = await standardWorld({ ...defaults, ...options });
    made.push(world);
    return world;
  };
}
