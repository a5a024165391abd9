// Baseline for IPC throughput: a bare Bun.listen JSON-lines echo server on a Unix
// socket, compiled and run as its own process like the sentinel: `echo-server <path>`.
const path = process.argv[2];
if (!path) throw new Error("usage: echo-server <socket path>");
Bun.listen<{ buffer: string }>({
  unix: path,
  data: { buffer: "" },
  socket: {
    open(socket) {
      socket.data = { buffer: "" };
    },
    data(socket, chunk) {
      socket.data.buffer += chunk.toString();
      for (let nl = socket.data.buffer.indexOf("\n"); nl >= 0; nl = socket.data.buffer.indexOf("\n")) {
        const line = socket.data.buffer.slice(0, nl);
        socket.data.buffer = socket.data.buffer.slice(nl + 1);
        socket.write(`${JSON.stringify(JSON.parse(line))}\n`);
      }
    },
  },
});
