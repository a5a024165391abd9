// Baseline for IPC throughput: a bare Bun.listen JSON-lines echo server on a Unix
// socket, compiled and run as its own process like the sentinel:
//   echo-server <path>            gives every request line back
//   echo-server <path> <members>  answers {"status":"ok","id":<id><members>}: a line as long as the sentinel's
const path = process.argv[2];
if (!path) throw new Error("usage: echo-server <socket path> [answer members]");
const members = process.argv[3];
const answer = (line: string): string => {
  const request = JSON.parse(line) as { id?: unknown };
  return members === undefined ? JSON.stringify(request) : `{"status":"ok","id":${JSON.stringify(request.id)}${members}}`;
};
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
        socket.write(`${answer(line)}\n`);
      }
    },
  },
});
