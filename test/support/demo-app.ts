// The demo's "licensed program": asks the sentinel for its licence over the
// socket named in SENTINEL_IPC_SOCKET, prints it, then reports its status every second.
import { connect } from "node:net";

function ask(method: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = connect(process.env.SENTINEL_IPC_SOCKET ?? "");
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      const nl = buffer.indexOf("\n");
      if (nl < 0) return;
      socket.end();
      resolve(JSON.parse(buffer.slice(0, nl)));
    });
    socket.on("error", reject);
    socket.write(`${JSON.stringify({ method, id: 1 })}\n`);
  });
}

type Seat = { seats_used: number; seats_total: number };
const say = (text: string) => process.stdout.write(`  [demo-app] ${text}\n`);
process.on("SIGTERM", () => {
  say("asked to stop by the sentinel, exiting");
  process.exit(0);
});

const { license } = (await ask("get_license")) as { license: Record<string, unknown> };
say(`licensed to run: ${license.license_key} (${license.license_type}), features ${JSON.stringify(license.features)}`);
setInterval(async () => {
  const { state } = (await ask("get_status")) as { state: Record<string, number | boolean | null> & { floating: Seat | null } };
  const hours = Math.round((state.grace_remaining_seconds as number) / 360) / 10;
  const seat = state.floating ? `, floating seat (${state.floating.seats_used}/${state.floating.seats_total} in use)` : "";
  say(
    `working… server ${state.online ? "online" : "UNREACHABLE"}, grace left ${hours} h${state.grace_exhausted ? " (exhausted)" : ""}${seat}`,
  );
}, 1000);
