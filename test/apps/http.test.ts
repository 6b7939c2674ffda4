/**
 * The HTTP 1.0 server on one board, fetched by the test client on another board over the
 * simulated LAN: routes, status codes, byte-exact bodies (also through loss, reordering
 * and duplication), parallel sessions, and what a fifth connection meets.
 */
import { HTTP_BLOCKS_IN_FLIGHT, startHttp, type HttpServer, type HttpServerOptions } from '../../src/apps/http.js';
import {
  GET_LOCAL_PORT,
  NO_TCP_SOCKET_FREE,
  SOCKET_STATE_INVALID,
  TCP_EVENT_DATA,
  TCP_STATE_ESTABLISHED,
  TCP_STATE_FREE,
  TCP_STATE_LISTEN,
} from '../../src/api/tcp.js';
import { UTASKER_CODE_COMPAT } from '../../src/net/tcp/config.js';
import { TcpClient, httpGet, parseHttpResponse, text } from '../../hosts/sim/tcp-client.js';
import { CLIENT_ADDR, SERVER_ADDR, SERVER_IP, boards, runUntil } from './sim.js';
import { plus, recordSegments } from './wire.js';

/** A server with µTasker's one block of 1400 bytes in flight unless `sizes` says otherwise. */
function serverWithHttp(options: Parameters<typeof boards>[0] = {}, sizes: HttpServerOptions = { windowBlocks: 1, maxFrame: 1400 }) {
  const b = boards(options);
  const http = startHttp(b.server.api, { board: b.server.tcp, ...sizes });
  expect(http.error).toBe(0);
  return { ...b, http };
}

/**
 * Checks a finished GET: 200, the headers, and every body byte i = i % 251. With
 * `duplicates`, the client may end with TCP_EVENT_ABORT instead of TCP_EVENT_CLOSED, but
 * only after the server's FIN: the server skips TIME_WAIT by listening again from its
 * TCP_EVENT_CLOSED callback (µTasker's pattern), so a duplicated copy of the client's FIN
 * meets a LISTEN socket, which answers with a RST that may overtake the final ACK.
 */
function expectPatternResponse(client: TcpClient, n: number, duplicates = false): void {
  if (duplicates) {
    expect(client.peerClosed).toBe(true);
    expect(client.finished).toBe(true);
  } else {
    expect(client.closed).toBe(true);
    expect(client.aborted).toBe(false);
  }
  const r = parseHttpResponse(client.data());
  expect(r.statusLine).toBe('HTTP/1.0 200 OK');
  expect(r.headers.get('content-type')).toBe('application/octet-stream');
  expect(r.headers.get('content-length')).toBe(String(n));
  expect(r.headers.get('connection')).toBe('close');
  expect(r.body.length).toBe(n);
  for (let i = 0; i < n; i++) if (r.body[i] !== i % 251) throw new Error(`body byte ${i} is ${r.body[i]}`);
}

function allListening(http: HttpServer, api: { fnGetTCP_state(s: number): number }): boolean {
  return http.sockets.every((s) => api.fnGetTCP_state(s) === TCP_STATE_LISTEN);
}

describe('HTTP 1.0 server on the simulated LAN', () => {
  it('GET / returns the live socket table, listing the serving socket as ESTABLISHED', () => {
    const { clock, client, server, http } = serverWithHttp();
    const c = httpGet(client.api, clock, SERVER_IP, '/');
    expect(runUntil(clock, () => c.finished, 10_000)).toBe(true);
    expect(c.closed).toBe(true);
    const r = parseHttpResponse(c.data());
    expect(r.statusLine).toBe('HTTP/1.0 200 OK');
    expect(r.headers.get('content-type')).toBe('text/html');
    expect(r.headers.get('connection')).toBe('close');
    expect(Number(r.headers.get('content-length'))).toBe(r.body.length);
    const html = text(r.body);
    const clientPort = client.api.fnGetTCP_port(c.socket, GET_LOCAL_PORT);
    const rows = [...html.matchAll(/<tr><td>(\d+)<\/td><td>([A-Z_0-9]+)<\/td><td>(\d+)<\/td><td>([^<]*)<\/td>/g)]
      .map((m) => ({ socket: Number(m[1]), state: m[2], port: Number(m[3]), peer: m[4] }));
    // One row per session socket: the one serving us ESTABLISHED with our address, the others listening.
    expect(rows.map((row) => row.socket).sort()).toEqual([...http.sockets].sort());
    const serving = rows.filter((row) => row.state === 'ESTABLISHED');
    expect(serving).toEqual([{ socket: serving[0].socket, state: 'ESTABLISHED', port: 80, peer: `198.18.0.1:${clientPort}` }]);
    expect(rows.filter((row) => row.state === 'LISTEN')).toHaveLength(3);
    // After the close every session listens again.
    expect(allListening(http, server.api)).toBe(true);
    expect(http.counters).toMatchObject({ connections: 1, requests: 1, ok: 1, closed: 1, aborted: 0 });
  });

  it.each([0, 1, 100_000])('GET /bytes/%i is byte-exact with Content-Length', (n) => {
    const { clock, client, server, http } = serverWithHttp();
    const c = httpGet(client.api, clock, SERVER_IP, `/bytes/${n}`);
    expect(runUntil(clock, () => c.finished, 20_000)).toBe(true);
    expectPatternResponse(c, n);
    expect(http.counters.bytesAcknowledged).toBe(c.received);
    expect(http.counters.regenerations).toBe(0);
    expect(allListening(http, server.api)).toBe(true);
  });

  it('sends blocks of min(peer MSS, 1400) bytes, one at a time, each after the ACK of the previous one', () => {
    const { clock, client, lan } = serverWithHttp();
    const wire = recordSegments(lan);
    const c = httpGet(client.api, clock, SERVER_IP, '/bytes/5000');
    expect(runUntil(clock, () => c.finished, 10_000)).toBe(true);
    const fromServer = wire.filter((s) => s.src === SERVER_ADDR && s.length > 0);
    const total = fromServer.reduce((n, s) => n + s.length, 0);
    expect(total).toBe(c.received);
    // The client announced MSS 1460, so every block but the last is 1400 bytes.
    expect(fromServer.slice(0, -1).every((s) => s.length === 1400)).toBe(true);
    expect(fromServer[fromServer.length - 1].length).toBe(total - 1400 * (fromServer.length - 1));
    expect(fromServer.every((s) => s.flags === 'PA')).toBe(true);
    // Simple TCP: a block leaves only after the client has acknowledged everything before it.
    for (const block of fromServer.slice(1)) {
      const acked = wire.some((s) => s.src === CLIENT_ADDR && s.t <= block.t && s.ack === block.seq && (s.flagBits & 0x10) !== 0);
      expect(acked).toBe(true);
    }
  });

  it('by default sends full 1460-byte segments, HTTP_BLOCKS_IN_FLIGHT of them before the first ACK comes back', () => {
    const { clock, client, lan } = serverWithHttp({}, {});
    const wire = recordSegments(lan);
    const c = httpGet(client.api, clock, SERVER_IP, '/bytes/50000', { window: 65535 });
    expect(runUntil(clock, () => c.finished, 10_000)).toBe(true);
    expectPatternResponse(c, 50000);
    const fromServer = wire.filter((s) => s.src === SERVER_ADDR && s.length > 0);
    expect(fromServer.slice(0, -1).every((s) => s.length === 1460)).toBe(true);
    // Bytes in flight when each block left: the highest is HTTP_BLOCKS_IN_FLIGHT full blocks.
    const start = fromServer[0].seq;
    let most = 0;
    let acked = 0;
    for (const s of wire) {
      if (s.src === CLIENT_ADDR && (s.flagBits & 0x10) !== 0) acked = Math.max(acked, (s.ack - start) | 0);
      else if (s.src === SERVER_ADDR && s.length > 0) most = Math.max(most, ((s.seq - start) | 0) + s.length - acked);
    }
    expect(most).toBe(HTTP_BLOCKS_IN_FLIGHT * 1460);
  });

  it.each([
    [11, 'RFC 6298 timers'],
    [12, 'RFC 6298 timers'],
    [13, 'RFC 6298 timers'],
    [14, "µTasker's own timing (UTASKER_CODE_COMPAT)"],
  ])('GET /bytes/100000 is byte-exact through 5%% loss, reordering and duplication (seed %i, %s)', (seed, mode) => {
    const impairments = { loss: 0.05, reorder: 0.05, duplicate: 0.05, delayMs: 1, jitterMs: 2 };
    const tcp = mode.startsWith('RFC') ? {} : { ...UTASKER_CODE_COMPAT, sockets: 16 };
    const { clock, client, server, http, lan } = serverWithHttp({ seed, impairments, tcp });
    const c = httpGet(client.api, clock, SERVER_IP, '/bytes/100000');
    expect(runUntil(clock, () => c.finished, 600_000)).toBe(true);
    expectPatternResponse(c, 100_000, true);
    const stats = lan.stats;
    expect(stats.reduce((n, s) => n + s.dropped.loss, 0)).toBeGreaterThan(0);
    expect(stats.reduce((n, s) => n + s.duplicated, 0)).toBeGreaterThan(0);
    expect(stats.reduce((n, s) => n + s.reordered, 0)).toBeGreaterThan(0);
    // Lost blocks (or their ACKs) were rebuilt on TCP_EVENT_REGENERATE, exactly the block in flight.
    expect(http.counters.regenerations).toBeGreaterThan(0);
    expect(http.counters.regenerateMismatches).toBe(0);
    expect(runUntil(clock, () => allListening(http, server.api), 60_000)).toBe(true);
  });

  it.each(['/nothing', '/bytes/', '/bytes/12x', '/bytes/-1', '/bytes/123456789012345678', '/index.html'])('GET %s is 404', (path) => {
    const { clock, client, http } = serverWithHttp();
    const c = httpGet(client.api, clock, SERVER_IP, path);
    expect(runUntil(clock, () => c.finished, 10_000)).toBe(true);
    const r = parseHttpResponse(c.data());
    expect(r.statusLine).toBe('HTTP/1.0 404 Not Found');
    expect(Number(r.headers.get('content-length'))).toBe(r.body.length);
    expect(r.headers.get('connection')).toBe('close');
    expect(c.closed).toBe(true);
    expect(http.counters.notFound).toBe(1);
  });

  it.each([
    ['an HTTP/0.9 request line', 'GET /\r\n\r\n'],
    ['an unknown version', 'GET / HTTP/3.0\r\n\r\n'],
    ['a header without a colon', 'GET / HTTP/1.0\r\nHost\r\n\r\n'],
    ['binary bytes', '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03'],
    ['a head longer than the limit', `GET / HTTP/1.0\r\nX-Long: ${'a'.repeat(1100)}\r\n\r\n`],
  ])('%s is 400', (_name, request) => {
    const { clock, client, http, server } = serverWithHttp();
    const c = httpGet(client.api, clock, SERVER_IP, '', { request });
    expect(runUntil(clock, () => c.finished, 10_000)).toBe(true);
    const r = parseHttpResponse(c.data());
    expect(r.statusLine).toBe('HTTP/1.0 400 Bad Request');
    expect(Number(r.headers.get('content-length'))).toBe(r.body.length);
    expect(c.closed).toBe(true);
    expect(http.counters.badRequest).toBe(1);
    expect(allListening(http, server.api)).toBe(true);
  });

  it.each(['POST', 'PUT', 'HEAD', 'DELETE'])('%s is 405 with Allow: GET', (method) => {
    const { clock, client, http } = serverWithHttp();
    const c = httpGet(client.api, clock, SERVER_IP, '', { request: `${method} / HTTP/1.0\r\nContent-Length: 0\r\n\r\n` });
    expect(runUntil(clock, () => c.finished, 10_000)).toBe(true);
    const r = parseHttpResponse(c.data());
    expect(r.statusLine).toBe('HTTP/1.0 405 Method Not Allowed');
    expect(r.headers.get('allow')).toBe('GET');
    expect(http.counters.methodNotAllowed).toBe(1);
  });

  it('accumulates a request split over several segments', () => {
    const { clock, client, server } = boards();
    const dataEvents: number[] = [];
    startHttp(server.api, { board: server.tcp, onEvent: (_s, event, len) => { if (event === TCP_EVENT_DATA) dataEvents.push(len); } });
    const c = new TcpClient(client.api, { clock });
    c.connect(SERVER_IP, 80);
    expect(runUntil(clock, () => c.connected, 5_000)).toBe(true);
    for (const piece of ['GET /bytes/3', '00 HTTP/1.', '0\r\nHost: b\r\n', '\r\n']) {
      c.send(piece);
      clock.advance(50);
    }
    expect(runUntil(clock, () => c.finished, 10_000)).toBe(true);
    expect(dataEvents).toEqual([12, 10, 12, 2]);
    expectPatternResponse(c, 300);
  });

  it('serves four sessions in parallel, each on its own socket', () => {
    const { clock, client, server } = boards({ impairments: { delayMs: 1 } });
    // Most sessions busy at the same time, counted whenever a session's block is acknowledged.
    let busy = 0;
    const http = startHttp(server.api, {
      board: server.tcp,
      onEvent: () => {
        busy = Math.max(busy, http.sockets.filter((s) => server.api.fnGetTCP_state(s) === TCP_STATE_ESTABLISHED).length);
      },
    });
    const sizes = [40_000, 50_000, 60_000, 70_000];
    const clients = sizes.map((n) => httpGet(client.api, clock, SERVER_IP, `/bytes/${n}`));
    expect(runUntil(clock, () => clients.every((c) => c.finished), 30_000)).toBe(true);
    expect(busy).toBe(4);
    const ports = clients.map((c) => client.api.fnGetTCP_port(c.socket, GET_LOCAL_PORT));
    expect(new Set(ports).size).toBe(4);
    clients.forEach((c, i) => expectPatternResponse(c, sizes[i]));
    expect(http.counters).toMatchObject({ connections: 4, ok: 4, closed: 4, aborted: 0 });
    expect(allListening(http, server.api)).toBe(true);
  });

  it('a fifth connection while four sessions are busy gets a SYN cookie and is served once a session is free (issue 11)', () => {
    const { clock, client, server, http, lan } = serverWithHttp();
    const wire = recordSegments(lan);
    // Four connections that are up but have not sent their request yet: every session is taken.
    const four = [0, 1, 2, 3].map(() => new TcpClient(client.api, { clock }));
    for (const c of four) c.connect(SERVER_IP, 80);
    expect(runUntil(clock, () => four.every((c) => c.connected), 5_000)).toBe(true);
    expect(http.sockets.every((s) => server.api.fnGetTCP_state(s) === TCP_STATE_ESTABLISHED)).toBe(true);

    const fifth = httpGet(client.api, clock, SERVER_IP, '/bytes/3000');
    const fifthPort = client.api.fnGetTCP_port(fifth.socket, GET_LOCAL_PORT);
    clock.advance(2000);
    const syn = wire.find((s) => s.src === CLIENT_ADDR && s.srcPort === fifthPort && s.flags === 'S');
    const answer = wire.filter((s) => s.src === SERVER_ADDR && s.dstPort === fifthPort);
    expect(syn).toBeDefined();
    // A stateless SYN+ACK with a zero window: the client waits, nothing is refused.
    expect(answer.map((s) => ({ flags: s.flags, ack: s.ack, window: s.window }))).toEqual([{ flags: 'SA', ack: plus(syn!.seq, 1), window: 0 }]);
    expect(fifth.finished).toBe(false);

    // The four sessions are unaffected; once one is done the fifth client gets in.
    for (const c of four) c.send('GET /bytes/2000 HTTP/1.0\r\n\r\n');
    expect(runUntil(clock, () => four.every((c) => c.finished) && fifth.finished, 10_000)).toBe(true);
    four.forEach((c) => expectPatternResponse(c, 2000));
    expectPatternResponse(fifth, 3000);
    expect(http.counters).toMatchObject({ connections: 5, ok: 5, aborted: 0 });
  });

  it("synOverload 'reset' (µTasker): the fifth connection is refused with a RST", () => {
    const { clock, client, lan } = serverWithHttp({ tcp: { synOverload: 'reset' } });
    const wire = recordSegments(lan);
    const four = [0, 1, 2, 3].map(() => new TcpClient(client.api, { clock }));
    for (const c of four) c.connect(SERVER_IP, 80);
    expect(runUntil(clock, () => four.every((c) => c.connected), 5_000)).toBe(true);
    const fifth = new TcpClient(client.api, { clock });
    fifth.connect(SERVER_IP, 80);
    const fifthPort = client.api.fnGetTCP_port(fifth.socket, GET_LOCAL_PORT);
    expect(runUntil(clock, () => fifth.finished, 5_000)).toBe(true);
    expect(fifth.eventNames()).toEqual(['TCP_EVENT_ABORT']);
    const syn = wire.find((s) => s.src === CLIENT_ADDR && s.srcPort === fifthPort && s.flags === 'S');
    const answer = wire.filter((s) => s.src === SERVER_ADDR && s.dstPort === fifthPort);
    // RFC 9293 §3.10.7.1 for a SYN (no ACK bit): <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    expect(answer.map((s) => ({ flags: s.flags, seq: s.seq, ack: s.ack }))).toEqual([{ flags: 'RA', seq: 0, ack: plus(syn!.seq, 1) }]);
  });

  it('stop() releases every session socket; a later SYN to port 80 is refused', () => {
    const { clock, client, server, http } = serverWithHttp();
    const sockets = [...http.sockets];
    http.stop();
    expect(sockets.every((s) => server.api.fnGetTCP_state(s) === TCP_STATE_FREE)).toBe(true);
    const c = httpGet(client.api, clock, SERVER_IP, '/');
    expect(runUntil(clock, () => c.finished, 5_000)).toBe(true);
    expect(c.aborted).toBe(true);
  });

  it('reports a start that cannot get its sockets, and keeps none of them', () => {
    const { server } = boards({ tcp: { sockets: 3 } });
    const http = startHttp(server.api, { sessions: 4 });
    expect(http.error).toBe(NO_TCP_SOCKET_FREE);
    expect(http.sockets).toEqual([]);
    expect([0, 1, 2].every((s) => server.api.fnGetTCP_state(s) === TCP_STATE_FREE)).toBe(true);
    expect(startHttp(server.api, { port: 70_000 }).error).toBe(SOCKET_STATE_INVALID);
    expect(startHttp(server.api, { sessions: 0 }).error).toBe(SOCKET_STATE_INVALID);
    expect([0, 1, 2].every((s) => server.api.fnGetTCP_state(s) === TCP_STATE_FREE)).toBe(true);
  });

  it('listens on a configured port and uses every session it is given', () => {
    const { clock, client, server } = boards();
    const http = startHttp(server.api, { board: server.tcp, port: 8080, sessions: 2 });
    expect(http.sockets).toHaveLength(2);
    const c = httpGet(client.api, clock, SERVER_IP, '/bytes/64', { port: 8080 });
    expect(runUntil(clock, () => c.finished, 5_000)).toBe(true);
    expectPatternResponse(c, 64);
  });
});
