import { formatMac } from '../../src/net/wire/ethernet.js';
import { ARP_REPLY, ARP_REQUEST, BROADCAST_MAC, arpFrame, decode, echoRequestFrame, ip, mac, singleStack } from './helpers.js';

const X = 'X'.charCodeAt(0);
const A = 'A'.charCodeAt(0);
const PEER = ip('198.18.0.9');
const PEER_MAC = mac('02:00:00:00:00:09');

/** Sends an (empty) IPv4 payload from the owner task 'X' on behalf of socket 3. */
function sendTo(stack: ReturnType<typeof singleStack>['stack'], dst: number): number {
  return stack.net.sendIpv4(dst, 6, 0, 128, 20, 'X', 3);
}

describe('ARP on start', () => {
  it('announces our address with a gratuitous ARP request', () => {
    const { stack, wire } = singleStack();
    stack.start();
    expect(wire.sent).toHaveLength(1);
    const { eth, arp } = decode(wire.sent[0].frame);
    expect(eth.dst).toEqual(BROADCAST_MAC);
    expect(formatMac(eth.src)).toBe('02:00:00:00:00:02');
    expect(arp).toMatchObject({ op: ARP_REQUEST, senderIp: ip('198.18.0.2'), targetIp: ip('198.18.0.2') });
  });
});

describe('ARP resolution (µTasker: first request at once, 4 repeats 0.5 s apart, failure 2.5 s after the first)', () => {
  it('fails after 5 requests and tells the owner task with ARP_RESOLUTION_FAILED', () => {
    const { stack, wire, clock, ownerMessages } = singleStack();
    stack.start();
    wire.sent.length = 0;
    expect(sendTo(stack, PEER)).toBe(-1); // NO_ARP_ENTRY
    clock.advance(5000);
    const requests = wire.sent.map((s) => ({ at: s.at, ...decode(s.frame) })).filter((d) => d.arp);
    expect(requests.map((r) => r.at)).toEqual([0, 500, 1000, 1500, 2000]);
    for (const r of requests) expect(r.arp).toMatchObject({ op: ARP_REQUEST, targetIp: PEER, senderIp: ip('198.18.0.2') });
    expect(ownerMessages).toEqual([{ at: 2500, message: [0, 0, X, A, 2, 3, 3] }]);
    expect(stack.counters.get('arp.resolutions-failed')).toBe(1);
    // Failed: a later send starts a fresh resolution.
    wire.sent.length = 0;
    expect(sendTo(stack, PEER)).toBe(-1);
    expect(wire.sent).toHaveLength(1);
  });

  it('resolves on the reply, tells the owner with ARP_RESOLUTION_SUCCESS and then sends to the learned MAC', () => {
    const { stack, wire, clock, ownerMessages } = singleStack();
    stack.start();
    expect(sendTo(stack, PEER)).toBe(-1);
    clock.advance(700);
    wire.inject(arpFrame(mac('02:00:00:00:00:02'), PEER_MAC, { op: ARP_REPLY, senderMac: PEER_MAC, senderIp: PEER, targetMac: mac('02:00:00:00:00:02'), targetIp: ip('198.18.0.2') }));
    clock.advance(100);
    expect(ownerMessages).toEqual([{ at: 700, message: [0, 0, X, A, 2, 4, 3] }]);
    wire.sent.length = 0;
    clock.advance(3000);
    expect(wire.sent).toHaveLength(0); // no more requests once resolved
    expect(sendTo(stack, PEER)).toBe(14 + 20 + 20 + 6); // padded to the 60-byte minimum
    const { eth, ip: packet } = decode(wire.sent[0].frame);
    expect(eth.dst).toEqual(PEER_MAC);
    expect(packet).toMatchObject({ src: ip('198.18.0.2'), dst: PEER, protocol: 6, ttl: 128 });
  });

  it('a second sender to the same address joins the pending resolution without a new request', () => {
    const { stack, wire, clock } = singleStack();
    stack.start();
    wire.sent.length = 0;
    expect(sendTo(stack, PEER)).toBe(-1);
    clock.advance(100);
    expect(sendTo(stack, PEER)).toBe(-1);
    expect(wire.sent).toHaveLength(1);
  });

  it('resolves off-subnet destinations through the gateway, and not at all without one', () => {
    const off = ip('198.19.5.5');
    const withGw = singleStack({ gateway: '198.18.0.1' });
    withGw.stack.start();
    withGw.wire.sent.length = 0;
    expect(sendTo(withGw.stack, off)).toBe(-1);
    expect(decode(withGw.wire.sent[0].frame).arp!.targetIp).toBe(ip('198.18.0.1'));

    const noGw = singleStack();
    noGw.stack.start();
    noGw.wire.sent.length = 0;
    expect(sendTo(noGw.stack, off)).toBe(-1);
    noGw.clock.advance(5000);
    expect(noGw.wire.sent).toHaveLength(0);
  });

  it('sends to broadcast addresses without resolving', () => {
    const { stack, wire } = singleStack();
    stack.start();
    wire.sent.length = 0;
    expect(sendTo(stack, ip('198.18.0.255'))).toBeGreaterThan(0);
    expect(sendTo(stack, ip('255.255.255.255'))).toBeGreaterThan(0);
    expect(wire.sent.map((s) => decode(s.frame).eth.dst)).toEqual([BROADCAST_MAC, BROADCAST_MAC]);
  });
});

describe('ARP table', () => {
  it('answers requests for our address and learns the requester', () => {
    const { stack, wire, clock } = singleStack();
    stack.start();
    wire.sent.length = 0;
    wire.inject(arpFrame(BROADCAST_MAC, PEER_MAC, { op: ARP_REQUEST, senderMac: PEER_MAC, senderIp: PEER, targetMac: new Uint8Array(6), targetIp: ip('198.18.0.2') }));
    clock.advance(1);
    expect(wire.sent).toHaveLength(1);
    const { eth, arp } = decode(wire.sent[0].frame);
    expect(eth.dst).toEqual(PEER_MAC);
    expect(arp).toMatchObject({ op: ARP_REPLY, senderIp: ip('198.18.0.2'), targetIp: PEER });
    expect(arp!.targetMac).toEqual(PEER_MAC);
    expect(stack.net.arp.lookup(PEER)).toEqual(PEER_MAC);
  });

  it('an IPv4 frame from another MAC does not move a known peer; an ARP packet does', () => {
    const { stack, wire, clock } = singleStack();
    stack.start();
    const us = ip('198.18.0.2');
    const OTHER_MAC = mac('02:00:00:00:00:66');
    wire.inject(arpFrame(BROADCAST_MAC, PEER_MAC, { op: ARP_REQUEST, senderMac: PEER_MAC, senderIp: PEER, targetMac: new Uint8Array(6), targetIp: us }));
    clock.advance(1);
    wire.inject(echoRequestFrame(mac('02:00:00:00:00:02'), OTHER_MAC, PEER, us, 1, 1, new Uint8Array(8)));
    clock.advance(1);
    expect(stack.net.arp.lookup(PEER)).toEqual(PEER_MAC);
    wire.sent.length = 0;
    expect(sendTo(stack, PEER)).toBeGreaterThan(0);
    expect(decode(wire.sent[0].frame).eth.dst).toEqual(PEER_MAC);
    // The peer really moved: its ARP announcement is believed.
    wire.inject(arpFrame(BROADCAST_MAC, OTHER_MAC, { op: ARP_REQUEST, senderMac: OTHER_MAC, senderIp: PEER, targetMac: new Uint8Array(6), targetIp: us }));
    clock.advance(1);
    expect(stack.net.arp.lookup(PEER)).toEqual(OTHER_MAC);
  });

  it('ignores requests for other hosts (ARP_IGNORE_FOREIGN_ENTRIES)', () => {
    const { stack, wire, clock } = singleStack();
    stack.start();
    wire.sent.length = 0;
    wire.inject(arpFrame(BROADCAST_MAC, PEER_MAC, { op: ARP_REQUEST, senderMac: PEER_MAC, senderIp: PEER, targetMac: new Uint8Array(6), targetIp: ip('198.18.0.7') }));
    clock.advance(1);
    expect(wire.sent).toHaveLength(0);
    expect(stack.net.arp.lookup(PEER)).toBeUndefined();
  });

  it('forgets ordinary entries after 20 minutes (ARP_TIMEOUT × T_ARP_PERIOD) and refreshes the gateway every 5 minutes', () => {
    const gw = ip('198.18.0.1');
    const GW_MAC = mac('02:00:00:00:00:01');
    const { stack, wire, clock } = singleStack({ gateway: '198.18.0.1' });
    stack.start();
    const request = (from: number, fromMac: Uint8Array) =>
      arpFrame(BROADCAST_MAC, fromMac, { op: ARP_REQUEST, senderMac: fromMac, senderIp: from, targetMac: new Uint8Array(6), targetIp: ip('198.18.0.2') });
    wire.inject(request(PEER, PEER_MAC), request(gw, GW_MAC));
    clock.advance(1);
    wire.sent.length = 0;
    clock.advance(5 * 60_000 - 2);
    expect(wire.sent).toHaveLength(0);
    clock.advance(60);
    // The gateway's entry aged out: it is re-resolved while its old MAC stays usable.
    expect(wire.sent.map((s) => decode(s.frame).arp?.targetIp)).toEqual([gw]);
    expect(stack.net.arp.lookup(gw)).toEqual(GW_MAC);
    expect(stack.net.arp.lookup(PEER)).toEqual(PEER_MAC);
    clock.advance(15 * 60_000);
    expect(stack.net.arp.lookup(PEER)).toBeUndefined();
  });

  it('replaces the entry closest to expiry when the table (7 usable entries) is full', () => {
    const { stack, wire, clock } = singleStack();
    stack.start();
    for (let i = 0; i < 8; i++) {
      const host = ip(`198.18.0.${10 + i}`);
      const hostMac = mac(`02:00:00:00:01:${(10 + i).toString(16).padStart(2, '0')}`);
      wire.inject(arpFrame(BROADCAST_MAC, hostMac, { op: ARP_REQUEST, senderMac: hostMac, senderIp: host, targetMac: new Uint8Array(6), targetIp: ip('198.18.0.2') }));
      clock.advance(1000);
    }
    expect(stack.net.arp.list()).toHaveLength(7);
    expect(stack.net.arp.lookup(ip('198.18.0.10'))).toBeUndefined();
    expect(stack.net.arp.lookup(ip('198.18.0.17'))).toBeDefined();
  });

  it('reports another host claiming our address and does not learn it', () => {
    const { stack, wire, clock } = singleStack();
    stack.start();
    wire.inject(arpFrame(BROADCAST_MAC, PEER_MAC, { op: ARP_REPLY, senderMac: PEER_MAC, senderIp: ip('198.18.0.2'), targetMac: new Uint8Array(6), targetIp: ip('198.18.0.2') }));
    clock.advance(1);
    expect(stack.counters.get('arp.address-conflicts')).toBe(1);
    expect(stack.net.arp.lookup(ip('198.18.0.2'))).toBeUndefined();
  });
});
