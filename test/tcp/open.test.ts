/** Opening connections: LISTEN, CONREQ and the application's answer, SYN_SENT, simultaneous open. */
import {
  APP_REJECT, APP_WAIT, TCP_EVENT_ABORT, TCP_EVENT_CONNECTED, TCP_EVENT_CONREQ, TCP_EVENT_ARP_RESOLUTION_FAILED,
} from '../../src/api/tcp.js';
import { evs, PEER, PEER_IP, TcpHarness } from './harness.js';

describe('passive open', () => {
  test('§14.1 listen → SYN → CONREQ accepted → SYN+ACK (MSS 1460, window 1460) → ACK → CONNECTED', () => {
    const h = new TcpHarness();
    const s = h.socket();
    expect(h.api.fnTCP_Listen(s, 80, 0)).toBe(s);
    expect(h.state(s)).toBe('LISTEN');
    h.recv({ flags: 'S', seq: 1000, win: 8192, mss: 1460 });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data, e.portLen])).toEqual([[TCP_EVENT_CONREQ, 'LISTEN', '198.18.0.2', 40000]]);
    const synAck = h.expectSent({ flags: 'SA', ack: 1001, win: 1460, mss: 1460, srcPort: 80, dstPort: 40000, dst: PEER, payload: '' });
    expect(synAck.ttl).toBe(128);
    expect(h.state(s)).toBe('SYN_RCVD');
    h.recv({ flags: 'A', seq: 1001, ack: synAck.seq + 1 });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data, e.portLen])).toEqual([[TCP_EVENT_CONNECTED, 'ESTABLISHED', '198.18.0.2', 40000]]);
    expect(h.state(s)).toBe('ESTABLISHED');
    h.expectNothingSent();
  });

  test('§14.2 CONREQ answered APP_REJECT → RST+ACK (seq 0, ack = SYN seq + 1), socket stays LISTEN', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Listen(s, 80, 0);
    h.app = () => APP_REJECT;
    h.recv({ flags: 'S', seq: 1000 });
    h.expectSent({ flags: 'RA', seq: 0, ack: 1001, win: 0 });
    expect(h.state(s)).toBe('LISTEN');
    expect(h.stack.counters.get('tcp.conreq-rejected')).toBe(1);
  });

  test('§14.3 CONREQ answered APP_WAIT → no reply; the repeated SYN asks again and can be accepted', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Listen(s, 80, 0);
    h.app = () => APP_WAIT;
    h.recv({ flags: 'S', seq: 1000 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('LISTEN');
    h.app = () => undefined;
    h.advance(1000);
    h.recv({ flags: 'S', seq: 1000 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CONREQ, 'LISTEN'], [TCP_EVENT_CONREQ, 'LISTEN']]);
    h.expectSent({ flags: 'SA', ack: 1001 });
    expect(h.state(s)).toBe('SYN_RCVD');
  });

  test('several sockets listen on one port: each SYN takes the next listener in pool order', () => {
    const h = new TcpHarness();
    const a = h.socket();
    const b = h.socket();
    h.api.fnTCP_Listen(a, 80, 0);
    h.api.fnTCP_Listen(b, 80, 0);
    h.recv({ flags: 'S', seq: 1000, srcPort: 1111 });
    h.recv({ flags: 'S', seq: 2000, srcPort: 2222 });
    expect([h.state(a), h.state(b)]).toEqual(['SYN_RCVD', 'SYN_RCVD']);
    expect(h.api.fnGetTCP_port(a, 1)).toBe(1111);
    expect(h.api.fnGetTCP_port(b, 1)).toBe(2222);
  });

  test('the peer repeats its SYN in SYN_RCVD (our SYN+ACK was lost): SYN+ACK repeated, no new CONREQ', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Listen(s, 80, 0);
    h.recv({ flags: 'S', seq: 1000 });
    const first = h.expectSent({ flags: 'SA' });
    h.takeEvents();
    h.recv({ flags: 'S', seq: 1000 });
    h.expectSent({ flags: 'SA', seq: first.seq, ack: 1001 });
    expect(h.takeEvents()).toEqual([]);
  });

  test('rfc5961 off: a SYN from the same port with a new sequence number in SYN_RCVD restarts from LISTEN (µTasker TCP_CHECK_SYS_REPS)', () => {
    const h = new TcpHarness({ config: { rfc5961: false } });
    const s = h.socket();
    h.api.fnTCP_Listen(s, 80, 0);
    h.recv({ flags: 'S', seq: 1000 });
    h.expectSent({ flags: 'SA', ack: 1001 });
    h.takeEvents();
    h.recv({ flags: 'S', seq: 7000 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CONREQ, 'LISTEN']]);
    h.expectSent({ flags: 'SA', ack: 7001 });
  });

  test('RFC 5961: a SYN with a new sequence number in SYN_RCVD (perhaps a blind forgery) gets a challenge ACK; a restarted peer RSTs it and gets in', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Listen(s, 80, 0);
    h.recv({ flags: 'S', seq: 1000 });
    const synAck = h.expectSent({ flags: 'SA', ack: 1001 });
    h.takeEvents();
    h.recv({ flags: 'S', seq: 7000 });
    expect(h.takeEvents()).toEqual([]);
    h.expectSent({ flags: 'A', seq: synAck.seq + 1, ack: 1001 });
    expect(h.state(s)).toBe('SYN_RCVD');
    // The real peer still completes the first handshake ...
    h.recv({ flags: 'A', seq: 1001, ack: synAck.seq + 1 });
    expect(h.state(s)).toBe('ESTABLISHED');
    // ... and a restarted one answers the challenge ACK with a RST at RCV.NXT, then retries.
    const h2 = new TcpHarness();
    const s2 = h2.socket();
    h2.api.fnTCP_Listen(s2, 80, 0);
    h2.recv({ flags: 'S', seq: 1000 });
    h2.skip();
    h2.recv({ flags: 'S', seq: 7000 });
    h2.expectSent({ flags: 'A', ack: 1001 });
    h2.recv({ flags: 'R', seq: 1001 });
    expect(h2.state(s2)).toBe('LISTEN');
    h2.recv({ flags: 'S', seq: 7000 });
    h2.expectSent({ flags: 'SA', ack: 7001 });
  });

  test('a blind SYN during SYN_SENT starts a simultaneous open; the real SYN+ACK, which acknowledges our SYN, wins over it', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, h.peerPort, h.localPort, 0);
    const syn = h.expectSent({ flags: 'S' });
    h.recv({ flags: 'S', seq: 666 }); // forged: the attacker knows the ports, not our ISN
    h.expectSent({ flags: 'SA', seq: syn.seq, ack: 667 });
    expect(h.state(s)).toBe('SYN_RCVD');
    h.recv({ flags: 'SA', seq: 5000, ack: syn.seq + 1, mss: 1460 });
    expect(h.state(s)).toBe('ESTABLISHED');
    h.expectSent({ flags: 'A', seq: syn.seq + 1, ack: 5001 });
    expect(h.stack.counters.get('tcp.simultaneous-open-resync')).toBe(1);
    expect(h.sendTcp(s, 'hello')).toBeGreaterThan(0);
    h.expectSent({ flags: 'A', seq: syn.seq + 1, ack: 5001, payload: 'hello' });
  });

  test('peer MSS is taken from its SYN; without the option the default (512) applies', () => {
    const h = new TcpHarness();
    const a = h.socket();
    h.api.fnTCP_Listen(a, 80, 0);
    h.recv({ flags: 'S', seq: 1, mss: 1000 });
    expect(h.stack.peerMss(a)).toBe(1000);
    const b = h.socket();
    h.api.fnTCP_Listen(b, 81, 0);
    h.recv({ flags: 'S', seq: 1, dstPort: 81 });
    expect(h.stack.peerMss(b)).toBe(512);
  });

  test('the window given to fnTCP_Listen is advertised', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Listen(s, 80, 4000);
    h.recv({ flags: 'S', seq: 1 });
    h.expectSent({ flags: 'SA', win: 4000, mss: 1460 });
  });

  test('an ACK with a wrong acknowledgement in SYN_RCVD is answered with RST <SEQ=SEG.ACK> and the socket stays SYN_RCVD', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Listen(s, 80, 0);
    h.recv({ flags: 'S', seq: 1000 });
    const synAck = h.expectSent({ flags: 'SA' });
    h.recv({ flags: 'A', seq: 1001, ack: synAck.seq + 50 });
    h.expectSent({ flags: 'R', seq: synAck.seq + 50 });
    expect(h.state(s)).toBe('SYN_RCVD');
  });

  test('SYN to a port nobody listens on → RST+ACK; an unmatched ACK → RST <SEQ=SEG.ACK>; an unmatched RST → nothing', () => {
    const h = new TcpHarness();
    h.recv({ flags: 'S', seq: 1000, payload: 'abc', dstPort: 81 });
    h.expectSent({ flags: 'RA', seq: 0, ack: 1004, srcPort: 81, dstPort: 40000 });
    h.recv({ flags: 'A', seq: 1000, ack: 777, dstPort: 81 });
    h.expectSent({ flags: 'R', seq: 777, ack: 0 });
    h.recv({ flags: 'R', seq: 1000, dstPort: 81 });
    h.expectNothingSent();
    expect(h.stack.counters.get('tcp.drop.tcp-no-socket')).toBe(3);
  });
});

describe('active open', () => {
  test('fnTCP_Connect sends SYN with MSS 1460 from SYN_SENT; SYN+ACK → ACK, then CONNECTED', () => {
    const h = new TcpHarness();
    const s = h.socket();
    expect(h.api.fnTCP_Connect(s, PEER_IP, 8080, 0, 0)).toBe(s);
    expect(h.state(s)).toBe('SYN_SENT');
    const syn = h.expectSent({ flags: 'S', ack: 0, win: 1460, mss: 1460, dstPort: 8080, dst: PEER });
    expect(syn.srcPort).toBeGreaterThanOrEqual(49152);
    expect(h.api.fnGetTCP_port(s, 0)).toBe(syn.srcPort);
    h.recv({ flags: 'SA', seq: 5000, ack: syn.seq + 1, srcPort: 8080, dstPort: syn.srcPort, mss: 536 });
    h.expectSent({ flags: 'A', seq: syn.seq + 1, ack: 5001 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CONNECTED, 'ESTABLISHED']]);
    expect(h.stack.peerMss(s)).toBe(536);
  });

  test('a SYN+ACK acknowledging the wrong number is answered with RST and ignored (RFC 9293)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 0);
    const syn = h.expectSent({ flags: 'S' });
    h.recv({ flags: 'SA', seq: 5000, ack: syn.seq + 9 });
    h.expectSent({ flags: 'R', seq: syn.seq + 9 });
    expect(h.state(s)).toBe('SYN_SENT');
    expect(h.takeEvents()).toEqual([]);
  });

  test('RST with an acceptable ACK in SYN_SENT → CLOSED and ABORT; a RST without ACK is ignored', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 0);
    const syn = h.expectSent({ flags: 'S' });
    h.recv({ flags: 'R', seq: 0 });
    expect(h.state(s)).toBe('SYN_SENT');
    h.recv({ flags: 'RA', seq: 0, ack: syn.seq + 1 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
    h.expectNothingSent();
  });

  test('simultaneous open: SYN in SYN_SENT → SYN+ACK from SYN_RCVD, then the peer\'s SYN+ACK → ESTABLISHED', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 0);
    const syn = h.expectSent({ flags: 'S' });
    h.recv({ flags: 'S', seq: 5000, mss: 1460 });
    h.expectSent({ flags: 'SA', seq: syn.seq, ack: 5001 });
    expect(h.state(s)).toBe('SYN_RCVD');
    // The peer's own SYN+ACK repeats its SYN (seq 5000, already received): it is outside the
    // window, so RFC 9293 answers it with an ACK; the peer's ACK then completes the handshake.
    h.recv({ flags: 'SA', seq: 5000, ack: syn.seq + 1 });
    h.expectSent({ flags: 'A', seq: syn.seq + 1, ack: 5001 });
    h.recv({ flags: 'A', seq: 5001, ack: syn.seq + 1 });
    expect(h.state(s)).toBe('ESTABLISHED');
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CONNECTED, 'ESTABLISHED']]);
  });

  test('simultaneous open off (µTasker): a bare SYN in SYN_SENT is ignored', () => {
    const h = new TcpHarness({ config: { simultaneousOpen: false } });
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 0);
    h.expectSent({ flags: 'S' });
    h.recv({ flags: 'S', seq: 5000 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('SYN_SENT');
  });

  test('§14.13 ARP unresolved on connect: SYN goes out after ARP success; ARP failure → event 9 and SYN retries continue', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    h.net.unresolved.add(PEER);
    const s = h.socket();
    expect(h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 0)).toBe(s);
    const lost = h.expectSent({ flags: 'S' });
    expect(lost.result).toBe(-1);
    expect(lost.owner).toBe('T');
    expect(lost.ownerSocket).toBe(s);
    h.arpResult(s, false);
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data, e.portLen])).toEqual([[TCP_EVENT_ARP_RESOLUTION_FAILED, 'SYN_SENT', '198.18.0.2', 40000]]);
    h.advance(3000);
    expect(h.expectSent({ flags: 'S', seq: lost.seq }).result).toBe(-1);
    h.net.unresolved.delete(PEER);
    h.arpResult(s, true);
    expect(h.expectSent({ flags: 'S', seq: lost.seq, mss: 1460 }).result).toBeGreaterThan(0);
    h.recv({ flags: 'SA', seq: 1, ack: lost.seq + 1 });
    h.expectSent({ flags: 'A' });
    expect(h.state(s)).toBe('ESTABLISHED');
  });
});
