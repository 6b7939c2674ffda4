/**
 * The kernel-side client of the TAP benchmarks, run inside the benchmark's namespace
 * (`ip netns exec NS node dist/bench/tap-client.js MODE HOST PORT BYTES`). It prints the
 * seconds the transfer took on stdout, or a reason on stderr and exits 1.
 *
 *   upload   connect, write BYTES, half-close, wait until the server closes (discard)
 *   download connect, read BYTES, then reset the connection (chargen)
 */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

const CHUNK = 64 * 1024;
const TIMEOUT_MS = 120_000;

function fail(reason: string): never {
  process.stderr.write(`tap-client: ${reason}\n`);
  process.exit(1);
}

function upload(host: string, port: number, bytes: number): void {
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  const socket = connect({ host, port });
  let start = 0;
  let written = 0;
  const pump = (): void => {
    while (written < bytes) {
      const n = Math.min(CHUNK, bytes - written);
      written += n;
      if (!socket.write(n === CHUNK ? chunk : chunk.subarray(0, n))) return void socket.once('drain', pump);
    }
    socket.end();
  };
  socket.once('connect', () => {
    start = performance.now();
    pump();
  });
  socket.on('data', () => undefined);
  socket.once('close', (hadError) => {
    if (hadError || written < bytes) fail(`upload to ${host}:${port} ended after ${written} bytes`);
    process.stdout.write(`${((performance.now() - start) / 1000).toFixed(6)}\n`);
  });
  socket.once('error', (e) => fail(`upload to ${host}:${port}: ${e.message}`));
}

function download(host: string, port: number, bytes: number): void {
  const socket = connect({ host, port });
  let start = 0;
  let received = 0;
  socket.once('connect', () => {
    start = performance.now();
  });
  socket.on('data', (data: Buffer) => {
    received += data.length;
    if (received < bytes) return;
    const seconds = (performance.now() - start) / 1000;
    socket.resetAndDestroy();
    process.stdout.write(`${seconds.toFixed(6)}\n`);
  });
  socket.once('close', () => {
    if (received < bytes) fail(`download from ${host}:${port} ended after ${received} bytes`);
  });
  socket.once('error', (e) => {
    if (received < bytes) fail(`download from ${host}:${port}: ${e.message}`);
  });
}

const [mode, host, portText, bytesText] = process.argv.slice(2);
const port = Number(portText);
const bytes = Number(bytesText);
if (!host || !Number.isInteger(port) || !Number.isInteger(bytes) || bytes <= 0) fail('usage: tap-client upload|download HOST PORT BYTES');
setTimeout(() => fail(`no result within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS).unref();
if (mode === 'upload') upload(host, port, bytes);
else if (mode === 'download') download(host, port, bytes);
else fail(`unknown mode '${mode}'`);
