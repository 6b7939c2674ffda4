/**
 * The ceiling of the TAP benchmarks: discard (9), chargen (19) and HTTP `/bytes/N` (80)
 * served by the Linux kernel's TCP through Node, reached over a veth pair from another
 * namespace — kernel to kernel, no TAP and no userspace stack in the path.
 *
 *   ip netns exec NS node dist/bench/kernel-server.js ADDRESS   prints "ready" on stderr
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';

const address = process.argv[2] ?? '0.0.0.0';
const BODY_PERIOD = 251;
const body = new Uint8Array(BODY_PERIOD * 4096);
for (let i = 0; i < body.length; i++) body[i] = i % BODY_PERIOD;
const chargen = new Uint8Array(95 * 74);
for (let line = 0; line < 95; line++) {
  for (let col = 0; col < 72; col++) chargen[line * 74 + col] = 0x20 + ((line + col) % 95);
  chargen[line * 74 + 72] = 13;
  chargen[line * 74 + 73] = 10;
}
const chargenBlock = new Uint8Array(chargen.length * 16);
for (let i = 0; i < 16; i++) chargenBlock.set(chargen, i * chargen.length);

let listening = 0;
const ready = (): void => {
  if (++listening === 3) process.stderr.write('ready\n');
};

createServer((socket) => {
  socket.on('data', () => undefined);
  socket.on('end', () => socket.end());
  socket.on('error', () => undefined);
}).listen(9, address, ready);

createServer((socket) => {
  const pump = (): void => {
    while (socket.write(chargenBlock));
  };
  socket.on('drain', pump);
  socket.on('error', () => undefined);
  pump();
}).listen(19, address, ready);

createHttpServer((request, response) => {
  const match = /^\/bytes\/(\d+)$/.exec(request.url ?? '');
  if (match === null) {
    response.writeHead(404).end();
    return;
  }
  let left = Number(match[1]);
  response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': left, Connection: 'close' });
  const pump = (): void => {
    while (left > 0) {
      const n = Math.min(left, body.length - (body.length % BODY_PERIOD));
      left -= n;
      if (!response.write(body.subarray(0, n))) return void response.once('drain', pump);
    }
    response.end();
  };
  pump();
}).listen(80, address, ready);

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
