/**
 * A forged segment whose IPv4 source is a real peer's address, sent from another MAC on
 * the link, must not move the peer's ARP entry: the stack's later segments for the peer
 * (here the ACK of its data, delayed or answering the forgery) would go to the forger's
 * MAC, and a transfer under a flood of such segments stalls (test/hostile/attacks.test.ts).
 * Segment trace on the simulated LAN.
 */
import { startDiscard } from '../../src/apps/discard.js';
import { TcpClient } from '../../hosts/sim/tcp-client.js';
import { TCP_ACK } from '../../src/net/wire/tcp.js';
import { boards, CLIENT_ADDR, CLIENT_MAC, SERVER_ADDR, SERVER_IP, SERVER_MAC, runUntil } from '../apps/sim.js';
import { ATTACKER_MAC, followConnection, tcpFrame, tcpSegmentOf } from './wire.js';

interface Delivery {
  t: number;
  to: string;
  flags: number;
  seq: number;
  ack: number;
  len: number;
}

test('a forged segment from another MAC does not redirect the ACK of the real peer\'s data', () => {
  const { clock, lan, client, server } = boards({ seed: 7, impairments: { delayMs: 1 } });
  const attacker = lan.attach({ macAddress: ATTACKER_MAC, name: 'attacker' });
  startDiscard(server.api);
  const tap = followConnection(lan, CLIENT_MAC, 9);
  const fromServer: Delivery[] = [];
  lan.observe((e) => {
    if (e.kind !== 'delivered' || e.from.macAddress[5] !== SERVER_MAC[5]) return;
    const seg = tcpSegmentOf(e.frame);
    if (seg === undefined) return;
    fromServer.push({ t: e.timeMs, to: e.port.name, flags: seg.flags, seq: seg.seq, ack: seg.ack, len: seg.payload.length });
  });
  const c = new TcpClient(client.api, { clock, keep: false });
  c.connect(SERVER_IP, 9);
  expect(runUntil(clock, () => c.connected, 1000, 1)).toBe(true);
  expect(runUntil(clock, () => fromServer.length > 0 && clock.now() > fromServer[fromServer.length - 1].t + 5, 1000, 1)).toBe(true);
  fromServer.length = 0;

  // 100 bytes to the discard service: the server's ACK waits (delayedAckMs), nothing to echo.
  const before = server.counters.get('tcp.in.segments');
  c.send('d'.repeat(100));
  expect(runUntil(clock, () => server.counters.get('tcp.in.segments') > before, 100, 1)).toBe(true);
  expect(tap.toServer.nextSeq - tap.toClient.ack).toBe(100); // not acknowledged yet
  const dataEnd = tap.toServer.nextSeq;
  // Meanwhile a segment "from the client" out of another MAC: an old ACK far below the
  // window, which the server drops (or answers with a rate-limited challenge ACK).
  attacker.transmit(tcpFrame(SERVER_MAC, { src: CLIENT_ADDR, dst: SERVER_ADDR, srcPort: tap.toServer.port, dstPort: 9, seq: (dataEnd - 100000) >>> 0, ack: tap.toClient.nextSeq, flags: TCP_ACK }));
  runUntil(clock, () => false, 200, 1);

  // Every segment the server sent after the data reached the client, the delayed ACK of the 100 bytes among them.
  expect(fromServer.filter((d) => d.to !== 'client')).toEqual([]);
  expect(fromServer.filter((d) => d.ack === dataEnd).map((d) => d.to)).toEqual(['client']);
  expect(server.net.arp.list().find((e) => e.ip === CLIENT_ADDR)?.mac).toEqual(CLIENT_MAC);
  expect(c.events.some((e) => e.event === 'ABORT')).toBe(false);
  expect(client.counters.get('tcp.retransmissions')).toBe(0);
});
