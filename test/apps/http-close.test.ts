/**
 * The seed's HTTP 1.0 close, end to end on the simulated LAN and read back from a pcap:
 * after the last block is acknowledged the server's listener calls fnTCP_close and
 * returns APP_REQUEST_CLOSE; on the wire that is server FIN, client ACK, client FIN,
 * server ACK, and the listener gets TCP_EVENT_CLOSED while the socket is in TIME_WAIT,
 * from where it listens again at once.
 */
import { PcapBuffer, readPcap } from '../../hosts/common/pcap.js';
import { startHttp } from '../../src/apps/http.js';
import {
  GET_LOCAL_PORT,
  TCP_EVENT_ACK,
  TCP_EVENT_CLOSE,
  TCP_EVENT_CLOSED,
  TCP_STATE_LISTEN,
} from '../../src/api/tcp.js';
import { tcpStateName } from '../../src/net/tcp/types.js';
import { httpGet, parseHttpResponse } from '../../hosts/sim/tcp-client.js';
import { tcpEventName } from '../../src/api/tcp.js';
import { CLIENT_ADDR, SERVER_IP, boards, runUntil } from './sim.js';
import { plus, tcpSegmentOf, type WireSegment } from './wire.js';

const BODY = 3000;
/** The response the server must send, written out by hand: its length is what the server's sequence numbers cover. */
const HEAD = 'HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 3000\r\nConnection: close\r\n\r\n';
const REQUEST = 'GET /bytes/3000 HTTP/1.0\r\n\r\n';

function closeScenario(onPeerClose: 'accept' | 'half-close') {
  const { clock, lan, client, server } = boards({ impairments: { delayMs: 1 } });
  const pcap = new PcapBuffer();
  lan.observe((e) => {
    if (e.kind === 'sent') pcap.add(e.timeMs, e.frame);
  });
  const serverEvents: { t: number; socket: number; event: string; state: string }[] = [];
  const http = startHttp(server.api, {
    board: server.tcp,
    onEvent: (socket, event) => serverEvents.push({
      t: clock.now(), socket, event: tcpEventName(event), state: tcpStateName(server.api.fnGetTCP_state(socket)),
    }),
  });
  const c = httpGet(client.api, clock, SERVER_IP, '/bytes/3000', { request: REQUEST, onPeerClose });
  const port = client.api.fnGetTCP_port(c.socket, GET_LOCAL_PORT);
  expect(runUntil(clock, () => c.finished, 10_000)).toBe(true);
  clock.advance(100); // let anything late reach the wire

  const records = readPcap(pcap.toBytes());
  expect(records).toHaveLength(pcap.frameCount);
  const segments = records
    .map((r) => tcpSegmentOf(r.frame, r.timestampMs))
    .filter((s): s is WireSegment => s !== undefined && (s.srcPort === port || s.dstPort === port));
  const fromClient = (s: WireSegment) => s.src === CLIENT_ADDR;
  const syn = segments.find((s) => fromClient(s) && s.flags === 'S')!;
  const synAck = segments.find((s) => !fromClient(s) && s.flags === 'SA')!;
  expect(syn).toBeDefined();
  expect(synAck).toBeDefined();
  const C = syn.seq; // client ISS
  const S = synAck.seq; // server ISS
  expect(synAck.ack).toBe(plus(C, 1));
  const R = REQUEST.length;
  const T = HEAD.length + BODY;
  return { c, http, server, serverEvents, segments, fromClient, C, S, R, T };
}

describe("the seed's HTTP 1.0 close on the wire (pcap)", () => {
  it('server FIN after the last data is ACKed, client ACK, client FIN, server ACK; CLOSED in TIME_WAIT, then LISTEN', () => {
    const { c, http, server, serverEvents, segments, fromClient, C, S, R, T } = closeScenario('half-close');
    expect(c.closed).toBe(true);
    const body = parseHttpResponse(c.data()).body;
    expect(body.length).toBe(BODY);
    expect(c.received).toBe(T);

    const finIndex = segments.findIndex((s) => !fromClient(s) && s.flagBits & 0x01);
    expect(finIndex).toBeGreaterThan(0);
    const closing = segments.slice(finIndex).map((s) => ({ from: fromClient(s) ? 'client' : 'server', flags: s.flags, seq: s.seq, ack: s.ack, length: s.length }));
    expect(closing).toEqual([
      { from: 'server', flags: 'FA', seq: plus(S, 1 + T), ack: plus(C, 1 + R), length: 0 },
      { from: 'client', flags: 'A', seq: plus(C, 1 + R), ack: plus(S, 2 + T), length: 0 },
      { from: 'client', flags: 'FA', seq: plus(C, 1 + R), ack: plus(S, 2 + T), length: 0 },
      { from: 'server', flags: 'A', seq: plus(S, 2 + T), ack: plus(C, 2 + R), length: 0 },
    ]);
    // The FIN follows the client's acknowledgement of the last response byte, and nothing of the server's precedes it unacknowledged.
    const before = segments.slice(0, finIndex);
    const lastAck = before.filter((s) => fromClient(s) && s.ack === plus(S, 1 + T));
    expect(lastAck).toHaveLength(1);
    expect(lastAck[0].t).toBeLessThanOrEqual(segments[finIndex].t);
    const lastData = before.filter((s) => !fromClient(s) && s.length > 0).pop()!;
    expect(plus(lastData.seq, lastData.length)).toBe(plus(S, 1 + T));

    // The listener's view: the last TCP_EVENT_ACK made it close (the FIN left at that instant),
    // the peer's FIN in FIN_WAIT_2 gave no TCP_EVENT_CLOSE, TCP_EVENT_CLOSED came in TIME_WAIT.
    const mine = serverEvents.filter((e) => e.socket === serverEvents.find((x) => x.event === 'TCP_EVENT_CONREQ')!.socket);
    const lastAckEvent = mine.filter((e) => e.event === tcpEventName(TCP_EVENT_ACK)).pop()!;
    expect(lastAckEvent.t).toBe(segments[finIndex].t);
    expect(mine.map((e) => e.event)).not.toContain(tcpEventName(TCP_EVENT_CLOSE));
    const closed = mine.filter((e) => e.event === tcpEventName(TCP_EVENT_CLOSED));
    expect(closed).toEqual([{ t: segments[finIndex + 3].t, socket: lastAckEvent.socket, event: 'TCP_EVENT_CLOSED', state: 'TIME_WAIT' }]);
    expect(server.api.fnGetTCP_state(lastAckEvent.socket)).toBe(TCP_STATE_LISTEN);
    expect(http.counters).toMatchObject({ closed: 1, aborted: 0 });
  });

  it('a client that answers the FIN with its own at once: server FIN, client FIN+ACK, server ACK', () => {
    const { c, server, serverEvents, segments, fromClient, C, S, R, T } = closeScenario('accept');
    expect(c.closed).toBe(true);
    const finIndex = segments.findIndex((s) => !fromClient(s) && s.flagBits & 0x01);
    const closing = segments.slice(finIndex).map((s) => ({ from: fromClient(s) ? 'client' : 'server', flags: s.flags, seq: s.seq, ack: s.ack }));
    expect(closing).toEqual([
      { from: 'server', flags: 'FA', seq: plus(S, 1 + T), ack: plus(C, 1 + R) },
      { from: 'client', flags: 'FA', seq: plus(C, 1 + R), ack: plus(S, 2 + T) },
      { from: 'server', flags: 'A', seq: plus(S, 2 + T), ack: plus(C, 2 + R) },
    ]);
    // FIN+ACK acknowledging our FIN in FIN_WAIT_1 goes straight to TIME_WAIT, reported as CLOSED.
    const closed = serverEvents.filter((e) => e.event === 'TCP_EVENT_CLOSED');
    expect(closed.map((e) => e.state)).toEqual(['TIME_WAIT']);
    expect(server.api.fnGetTCP_state(closed[0].socket)).toBe(TCP_STATE_LISTEN);
    // The client (passive close) saw TCP_EVENT_CLOSE, then TCP_EVENT_CLOSED from LAST_ACK.
    expect(c.eventNames().slice(-2)).toEqual(['TCP_EVENT_CLOSE', 'TCP_EVENT_CLOSED']);
  });
});
