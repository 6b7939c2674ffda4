/**
 * The boards the fuzz targets run and the corpus of valid frames they mutate: a client
 * board and a server board (HTTP, echo, discard, chargen) on the simulated LAN, the client
 * fetching a page, echoing data, pinging and knocking on a closed port. Every frame either
 * side sent is kept, so mutations start from frames the stack really meets.
 */
import { SimLan } from '../hosts/sim/lan.js';
import { VirtualClock } from '../hosts/sim/virtual-clock.js';
import { TcpClient, httpGet } from '../hosts/sim/tcp-client.js';
import { startBoard, type Board } from '../hosts/common/board.js';
import type { MacDriver } from '../src/host/mac.js';
import type { LogSink } from '../src/host/log.js';
import { SeededRandom } from '../src/host/random.js';
import { Stack } from '../src/stack.js';

export const CLIENT_IP = 0xc6120001; // 198.18.0.1
export const SERVER_IP = 0xc6120002; // 198.18.0.2
export const SERVER_IP_BYTES = new Uint8Array([198, 18, 0, 2]);
export const CLIENT_MAC = new Uint8Array([0x02, 0, 0, 0, 0, 0x01]);
export const SERVER_MAC = new Uint8Array([0x02, 0, 0, 0, 0, 0x02]);
const NETMASK = 0xffffff00;
/** Short MSL and idle times so that runs reach TIME_WAIT's end and idle timeouts. */
const TCP = { mslMs: 2000, finWait2TimeoutMs: 4000 };

/** The server board: every app, a small pool so exhaustion is reachable. */
export function serverBoard(mac: MacDriver, clock: VirtualClock, seed: number, log?: LogSink): Board {
  return startBoard({
    mac, clock, random: new SeededRandom(seed), log, address: SERVER_IP, netmask: NETMASK,
    apps: ['http', 'echo', 'discard', 'chargen'], sockets: 12, tcp: TCP,
  });
}

export function clientStack(mac: MacDriver, clock: VirtualClock, seed: number, log?: LogSink): Stack {
  const stack = new Stack({ mac, clock, random: new SeededRandom(seed ^ 0xa5a5), log, address: CLIENT_IP, netmask: NETMASK, tcp: TCP });
  stack.start();
  return stack;
}

/** Keeps the stack's error messages (an internal error's text is the lead to its cause). */
export function errorLog(into: string[]): LogSink {
  return (level, message) => {
    if (level === 'error' && into.length < 20) into.push(message);
  };
}

/** Pseudo-random bytes of a given length (deterministic). */
export function pattern(length: number, salt: number): Uint8Array {
  const r = new SeededRandom(salt + 1);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = r.nextU32() & 0xff;
  return out;
}

export interface Corpus {
  /** Frames the server board received (ARP, ICMP, TCP from the client). */
  toServer: Uint8Array[];
  /** Frames the client received from the server. */
  toClient: Uint8Array[];
}

/** Runs the capture session once; the frames are the same on every call. */
export function captureCorpus(): Corpus {
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed: 1 });
  const corpus: Corpus = { toServer: [], toClient: [] };
  const clientMac = lan.attach({ macAddress: CLIENT_MAC, name: 'client' });
  const serverMac = lan.attach({ macAddress: SERVER_MAC, name: 'server' });
  lan.observe((e) => {
    if (e.kind !== 'delivered') return;
    (e.port === serverMac ? corpus.toServer : corpus.toClient).push(e.frame.slice());
  });
  const server = serverBoard(serverMac, clock, 7);
  const client = clientStack(clientMac, clock, 7);
  client.net.ping(SERVER_IP, 1, 1, pattern(32, 1));
  clock.advance(1000);
  client.net.ping(SERVER_IP, 1, 2, pattern(32, 2));
  const page = httpGet(client.api, clock, SERVER_IP_BYTES, '/', { closeAfterReceiving: 1 });
  const echo = new TcpClient(client.api, { clock, closeAfterReceiving: 3000 });
  echo.connect(SERVER_IP_BYTES, 7);
  echo.send(pattern(3000, 3));
  const closedPort = new TcpClient(client.api, { clock });
  closedPort.connect(SERVER_IP_BYTES, 4242);
  clock.advance(20_000);
  page.release();
  echo.release();
  closedPort.release();
  server.stop();
  client.stop();
  return corpus;
}
