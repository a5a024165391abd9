// Baseline for IPC throughput: a bare Bun.listen JSON-lines echo server on a Unix
// socket, run as its own process (like the sentinel): `bun echo-server.ts <path>`.
const path = process.argv[2] as string;
Bun.listen<{ buffer: string }>({
  unix: path,
  socket: {
    open(socket) {
      socket.data = { buffer: "" };
    },
    data(socket, chunk) {
      socket.data.buffer += chunk.toString();
      let nl = socket.data.buffer.indexOf("\n");
      while (nl >= 0) {
        const line = socket.data.buffer.slice(0, nl);
        socket.data.buffer = socket.data.buffer.slice(nl + 1);
        socket.write(`${JSON.stringify(JSON.parse(line))}\n`);
        nl = socket.data.buffer.indexOf("\n");
      }
    },
  },
});
process.stdout.write("listening\n");
