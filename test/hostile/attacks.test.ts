/**
 * Issue 11 item 4 on the simulated LAN: a legitimate transfer (128 KiB through the echo
 * service, both directions) finishes byte-exact while a third port injects forged frames:
 * blind RSTs, SYNs and data with random and near-window sequence numbers in both
 * directions, ACKs for data never sent, ARP and ICMP floods. Also: sequence numbers that
 * wrap past 2^32 mid-transfer, and a peer that stops acknowledging (retransmission, then
 * the abort at the configured time).
 */
import { startEcho } from '../../src/apps/echo.js';
import { TCP_STATE_LISTEN } from '../../src/api/tcp.js';
import { TcpClient, type ByteSource } from '../../hosts/sim/tcp-client.js';
import { SeededRandom } from '../../src/host/random.js';
import { ARP_REPLY, ARP_REQUEST } from '../../src/net/wire/arp.js';
import { TCP_ACK, TCP_PSH, TCP_RST, TCP_SYN } from '../../src/net/wire/tcp.js';
import { arpFrame, BROADCAST_MAC, echoRequestFrame } from '../net/helpers.js';
import { boards, CLIENT_ADDR, CLIENT_MAC, SERVER_ADDR, SERVER_IP, SERVER_MAC, runUntil } from '../apps/sim.js';
import { tcpCore } from './figures.js';
import { ATTACKER_MAC, type Direction, followConnection, tcpFrame } from './wire.js';

const SIZE = 128 * 1024;
const streamByte = (i: number): number => (i ^ (i >>> 7) ^ (i >>> 15) ^ 0xa5) & 0xff;
const stream: ByteSource = { length: SIZE, copy: (offset, out, at, n) => { for (let i = 0; i < n; i++) out[at + i] = streamByte(offset + i); } };
const EVIL = Uint8Array.from('EVIL DATA', (c) => c.charCodeAt(0));

interface AttackContext {
  rng: SeededRandom;
  /** What the client sent toward the server, and what the server sent back. */
  toServer: Direction;
  toClient: Direction;
  inject(frame: Uint8Array): void;
}

type Attack = (a: AttackContext) => void;

const rnd = (a: AttackContext, n: number): number => a.rng.nextU32() % n;

/** A forged segment of the connection in one direction (spoofing the other side). */
function forge(a: AttackContext, toServerSide: boolean, seq: number, ack: number, flags: number, payload?: Uint8Array): void {
  const port = a.toServer.port;
  a.inject(tcpFrame(toServerSide ? SERVER_MAC : CLIENT_MAC, toServerSide
    ? { src: CLIENT_ADDR, dst: SERVER_ADDR, srcPort: port, dstPort: 7, seq, ack, flags, payload }
    : { src: SERVER_ADDR, dst: CLIENT_ADDR, srcPort: 7, dstPort: port, seq, ack, flags, payload }));
}

/**
 * Sequence numbers a blind attacker might try against the side that receives `d`'s
 * stream: random ones, ones just beyond everything sent (inside the window, never the
 * exact next one) and ones below what was acknowledged.
 */
function blindSeqs(a: AttackContext, d: Direction, acked: number): number[] {
  return [a.rng.nextU32(), d.nextSeq + 1 + rnd(a, 4000), acked - 1 - rnd(a, 70000)];
}

const ATTACKS: [string, Attack][] = [
  ['blind RSTs', (a) => {
    for (const seq of blindSeqs(a, a.toServer, a.toClient.ack)) forge(a, true, seq, 0, TCP_RST);
    for (const seq of blindSeqs(a, a.toClient, a.toServer.ack)) forge(a, false, seq, 0, TCP_RST);
  }],
  ['blind SYNs', (a) => {
    for (const seq of blindSeqs(a, a.toServer, a.toClient.ack)) forge(a, true, seq, 0, TCP_SYN);
    for (const seq of blindSeqs(a, a.toClient, a.toServer.ack)) forge(a, false, seq, 0, TCP_SYN);
  }],
  ['blind data (acknowledgement numbers far from the real ones)', (a) => {
    for (const seq of blindSeqs(a, a.toServer, a.toClient.ack)) forge(a, true, seq, a.toServer.ack + 0x80000000 + rnd(a, 0x40000000), TCP_ACK | TCP_PSH, EVIL);
    for (const seq of blindSeqs(a, a.toClient, a.toServer.ack)) forge(a, false, seq, a.toClient.ack + 0x80000000 + rnd(a, 0x40000000), TCP_ACK | TCP_PSH, EVIL);
    // The exact next sequence number with an acknowledgement of data never sent.
    forge(a, true, a.toServer.nextSeq, a.toClient.nextSeq + 1 + rnd(a, 100000), TCP_ACK | TCP_PSH, EVIL);
  }],
  ['ACKs for data never sent', (a) => {
    forge(a, true, a.toServer.nextSeq, a.toClient.nextSeq + 1 + rnd(a, 100000), TCP_ACK);
    forge(a, false, a.toClient.nextSeq, a.toServer.nextSeq + 1 + rnd(a, 100000), TCP_ACK);
  }],
  ['an ARP flood (requests and replies from random on-link addresses)', (a) => {
    for (let i = 0; i < 20; i++) {
      const ip = (0xc6120000 | (10 + rnd(a, 240))) >>> 0;
      const mac = new Uint8Array([0x02, 0x77, 0, 0, rnd(a, 256), rnd(a, 256)]);
      const op = i % 4 === 0 ? ARP_REPLY : ARP_REQUEST;
      a.inject(arpFrame(op === ARP_REPLY ? SERVER_MAC : BROADCAST_MAC, mac, { op, senderMac: mac, senderIp: ip, targetMac: op === ARP_REPLY ? SERVER_MAC : new Uint8Array(6), targetIp: SERVER_ADDR }));
    }
  }],
  ['an ICMP echo flood from random on-link addresses', (a) => {
    for (let i = 0; i < 20; i++) {
      const ip = (0xc6120000 | (10 + rnd(a, 240))) >>> 0;
      a.inject(echoRequestFrame(SERVER_MAC, ATTACKER_MAC, ip, SERVER_ADDR, 0x4242, i, new Uint8Array(56)));
    }
  }],
];

function transfer(o: { seed: number; attack?: Attack; iss?: number }) {
  const { clock, lan, client, server } = boards({ seed: o.seed, impairments: { delayMs: 1 } });
  const attacker = lan.attach({ macAddress: ATTACKER_MAC, name: 'attacker' });
  const tap = followConnection(lan, CLIENT_MAC, 7);
  if (o.iss !== undefined) for (const stack of [client, server]) tcpCore(stack).newIss = () => o.iss!;
  const echo = startEcho(server.api);
  let mismatch = -1;
  const c = new TcpClient(client.api, {
    clock, keep: false, closeAfterReceiving: SIZE,
    onData: (chunk, offset) => {
      for (let i = 0; i < chunk.length && mismatch < 0; i++) if (chunk[i] !== streamByte(offset + i)) mismatch = offset + i;
    },
  });
  c.connect(SERVER_IP, 7);
  c.send(stream);
  const ctx: AttackContext = { rng: new SeededRandom(o.seed), toServer: tap.toServer, toClient: tap.toClient, inject: (f) => attacker.transmit(f) };
  let injected = 0;
  const done = runUntil(clock, () => {
    if (o.attack !== undefined && tap.toServer.seen && tap.toClient.seen && !c.finished) {
      o.attack(ctx);
      injected++;
    }
    return c.finished;
  }, 600_000, 1);
  tap.stop();
  return { clock, client, server, echo, c, done, mismatch, injected };
}

describe('a transfer under attack finishes byte-exact', () => {
  test.each(ATTACKS)('%s', (_name, attack) => {
    const r = transfer({ seed: 5, attack });
    expect(r.injected).toBeGreaterThan(100);
    expect({ done: r.done, mismatch: r.mismatch, received: r.c.received, aborted: r.c.aborted }).toEqual({ done: true, mismatch: -1, received: SIZE, aborted: false });
    expect(runUntil(r.clock, () => r.echo.counters.closed === 1, 60_000)).toBe(true);
    expect(r.echo.counters).toMatchObject({ connections: 1, bytesIn: SIZE, bytesOut: SIZE, aborted: 0 });
    expect(r.echo.sockets.every((s) => r.server.api.fnGetTCP_state(s) === TCP_STATE_LISTEN)).toBe(true);
    // No forged RST ever reset anything, and the ARP tables kept to their size.
    expect(r.server.tcp.counters.get('tcp.in.resets') + r.client.tcp.counters.get('tcp.in.resets')).toBe(0);
    expect(r.server.net.arp.list().length).toBeLessThanOrEqual(7);
  });
});

describe('sequence numbers wrapping past 2^32', () => {
  test.each([0xffffffff, 0xfffffff0, 0xffff0000])('ISN %d on both sides (2^32 − 1, − 16, − 65536): 128 KiB each way, byte-exact', (iss) => {
    const r = transfer({ seed: 9, iss });
    expect({ done: r.done, mismatch: r.mismatch, received: r.c.received }).toEqual({ done: true, mismatch: -1, received: SIZE });
    expect(r.echo.counters).toMatchObject({ bytesIn: SIZE, bytesOut: SIZE, aborted: 0 });
  });
});
