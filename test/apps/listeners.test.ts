/**
 * The apps' listeners against a recording stand-in for the µTasker API: which API calls
 * each event produces (with exact arguments) and what the listener returns — the part of
 * the apps that is "documentation of the API" (seed example, spec §4, §8.2, §11.1).
 */
import {
  APP_ACCEPT,
  APP_REJECT_DATA,
  APP_REQUEST_CLOSE,
  APP_SENT_DATA,
  NO_ARP_ENTRY,
  TCP_BUF_CHECK,
  TCP_BUF_KICK_NEXT,
  TCP_BUF_NEXT,
  TCP_BUF_REP,
  TCP_BUF_SEND,
  TCP_DEFAULT_TIMEOUT,
  TCP_EVENT_ABORT,
  TCP_EVENT_ACK,
  TCP_EVENT_CLOSE,
  TCP_EVENT_CLOSED,
  TCP_EVENT_CONNECTED,
  TCP_EVENT_CONREQ,
  TCP_EVENT_DATA,
  TCP_EVENT_PARTIAL_ACK,
  TCP_EVENT_REGENERATE,
  TCP_FLAG_PUSH,
  TCP_STATE_ESTABLISHED,
  TCP_STATE_FIN_WAIT_1,
  TCP_WINDOW_PROBE,
  TCP_WINDOW_UPDATE,
  TOS_MAXIMISE_THROUGHPUT,
  TOS_MINIMISE_DELAY,
  type UTaskerTcp,
} from '../../src/api/tcp.js';
import { driveBufferedTcp } from '../../src/apps/buffered.js';
import { startChargen } from '../../src/apps/chargen.js';
import { startDiscard } from '../../src/apps/discard.js';
import { startEcho } from '../../src/apps/echo.js';
import { HTTP_BUFFER_LENGTH, startHttp } from '../../src/apps/http.js';

/** µTasker's sizes, which these listener traces follow (the defaults are sized for throughput). */
const UTASKER_SERVICE = { bufferSize: 2800, maxWindow: 1460 };
const UTASKER_HTTP = { windowBlocks: 1, maxFrame: HTTP_BUFFER_LENGTH };
import type { TcpListener } from '../../src/net/tcp/types.js';
import { ascii, text } from '../../hosts/sim/tcp-client.js';

const PEER = new Uint8Array([198, 18, 0, 1]);

type Call = [string, ...unknown[]];

/** Records every call; answers with what the test sets. */
class FakeApi {
  readonly calls: Call[] = [];
  readonly listeners: TcpListener[] = [];
  /** What fnSendTCP returns (a frame length by default). */
  sendResult = 74;
  /** Free space TCP_BUF_CHECK reports; TCP_BUF_SEND takes from it. */
  free = 2800;
  /** What fnSendBufTCP returns for anything but TCP_BUF_CHECK. */
  bufResult = 0;
  state = TCP_STATE_ESTABLISHED;

  readonly api = {
    fnGetTCP_Socket: (tos: number, idle: number, listener: TcpListener) => {
      this.calls.push(['fnGetTCP_Socket', tos, idle]);
      this.listeners.push(listener);
      return this.listeners.length - 1;
    },
    fnTCP_Listen: (s: number, port: number, win: number) => (this.calls.push(['fnTCP_Listen', s, port, win]), s),
    fnTCP_close: (s: number) => (this.calls.push(['fnTCP_close', s]), s),
    fnReleaseTCP_Socket: (s: number) => (this.calls.push(['fnReleaseTCP_Socket', s]), s),
    fnDefineTCPBufferSize: (s: number, size: number) => (this.calls.push(['fnDefineTCPBufferSize', s, size]), size),
    fnSendTCP: (s: number, buf: Uint8Array, len: number, flags: number) => {
      this.calls.push(['fnSendTCP', s, text(buf.subarray(20, 20 + len)), flags]);
      return this.sendResult;
    },
    fnSendBufTCP: (s: number, data: Uint8Array | null, len: number, command: number) => {
      if (command === TCP_BUF_CHECK) return len <= this.free ? this.free : 0;
      this.calls.push(['fnSendBufTCP', s, data === null ? null : data.slice(0, len), len, command]);
      if (command & TCP_BUF_SEND) this.free -= len;
      return this.bufResult;
    },
    fnModifyTCPWindow: (s: number, w: number) => (this.calls.push(['fnModifyTCPWindow', s, w]), s),
    fnReportTCPWindow: (s: number, w: number) => (this.calls.push(['fnReportTCPWindow', s, w]), 54),
    fnGetTCP_state: () => this.state,
  } as unknown as UTaskerTcp;

  /** Calls socket `s`'s listener as the stack would. */
  event(s: number, event: number, data: Uint8Array | null = PEER, portLen = 49152): number {
    return this.listeners[s](s, event, data, portLen);
  }

  data(s: number, bytes: string | Uint8Array): number {
    const b = typeof bytes === 'string' ? ascii(bytes) : bytes;
    return this.event(s, TCP_EVENT_DATA, b, b.length);
  }

  take(): Call[] {
    return this.calls.splice(0);
  }
}

const HEAD_3000 = 'HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 3000\r\nConnection: close\r\n\r\n';
const pattern = (from: number, to: number) => String.fromCharCode(...Array.from({ length: to - from }, (_, i) => (from + i) % 251));

describe('HTTP listener (simple TCP, the seed example)', () => {
  function started(board: { mss?: number; window?: number } = {}) {
    const fake = new FakeApi();
    const http = startHttp(fake.api, {
      ...UTASKER_HTTP,
      board: { socketTable: () => [], peerMss: () => board.mss ?? 536, peerWindow: () => board.window ?? 8192 },
    });
    return { fake, http };
  }

  it('takes four sockets like µTasker: TOS_MAXIMISE_THROUGHPUT, TCP_DEFAULT_TIMEOUT, all listening on port 80', () => {
    const { fake, http } = started();
    expect(http.sockets).toEqual([0, 1, 2, 3]);
    expect(fake.take()).toEqual([0, 1, 2, 3].flatMap((s) => [
      ['fnGetTCP_Socket', TOS_MAXIMISE_THROUGHPUT, TCP_DEFAULT_TIMEOUT],
      ['fnTCP_Listen', s, 80, 0],
    ]));
    expect(fake.event(0, TCP_EVENT_CONREQ)).toBe(APP_ACCEPT);
  });

  it('serves in blocks of min(peer MSS, 1400): one from DATA, the next on each ACK, then fnTCP_close + APP_REQUEST_CLOSE', () => {
    const { fake } = started({ mss: 536 });
    fake.take();
    expect(fake.event(2, TCP_EVENT_CONNECTED)).toBe(APP_ACCEPT);
    const response = HEAD_3000 + pattern(0, 3000);
    expect(fake.data(2, 'GET /bytes/3000 HTTP/1.0\r\n\r\n')).toBe(APP_SENT_DATA);
    const sent: string[] = [];
    let call = fake.take();
    for (let i = 0; i < 20; i++) {
      expect(call).toHaveLength(1);
      expect(call[0][0]).toBe('fnSendTCP');
      expect(call[0][1]).toBe(2);
      expect(call[0][3]).toBe(TCP_FLAG_PUSH);
      sent.push(call[0][2] as string);
      if (sent.join('').length === response.length) break;
      expect(fake.event(2, TCP_EVENT_ACK)).toBe(APP_SENT_DATA);
      call = fake.take();
    }
    expect(sent.slice(0, -1).every((b) => b.length === 536)).toBe(true);
    expect(sent.join('')).toBe(response);
    // The last block is acknowledged: the seed's close.
    expect(fake.event(2, TCP_EVENT_ACK)).toBe(APP_REQUEST_CLOSE);
    expect(fake.take()).toEqual([['fnTCP_close', 2]]);
    // TCP_EVENT_CLOSED (TIME_WAIT entered) or TCP_EVENT_ABORT: listen again, port 0 = keep port 80.
    expect(fake.event(2, TCP_EVENT_CLOSED)).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([['fnTCP_Listen', 2, 0, 0]]);
    expect(fake.event(2, TCP_EVENT_ABORT)).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([['fnTCP_Listen', 2, 0, 0]]);
  });

  it('TCP_EVENT_REGENERATE rebuilds exactly the unacknowledged block, as often as asked', () => {
    const { fake, http } = started({ mss: 1460 });
    fake.event(1, TCP_EVENT_CONNECTED);
    fake.data(1, 'GET /bytes/5000 HTTP/1.0\r\n\r\n');
    fake.event(1, TCP_EVENT_ACK);
    const [first, second] = fake.take().filter((c) => c[0] === 'fnSendTCP');
    expect(second[2]).toBe((HEAD_3000.replace('3000', '5000') + pattern(0, 5000)).slice(1400, 2800));
    expect(first[2]).not.toBe(second[2]);
    expect((second[2] as string).length).toBe(1400);
    for (let i = 0; i < 3; i++) {
      expect(fake.event(1, TCP_EVENT_REGENERATE, null, 1400)).toBe(APP_SENT_DATA);
      expect(fake.take()).toEqual([second]);
    }
    expect(http.counters.regenerations).toBe(3);
    expect(http.counters.regenerateMismatches).toBe(0);
  });

  it('answers REGENERATE with 0 (give up) when nothing of its own is in flight', () => {
    const { fake } = started();
    fake.event(0, TCP_EVENT_CONNECTED);
    expect(fake.event(0, TCP_EVENT_REGENERATE, null, 100)).toBe(0);
    expect(fake.take().filter((c) => c[0] === 'fnSendTCP')).toEqual([]);
  });

  it('does not claim APP_SENT_DATA when fnSendTCP answered NO_ARP_ENTRY; the block is regenerated later', () => {
    const { fake } = started();
    fake.event(0, TCP_EVENT_CONNECTED);
    fake.sendResult = NO_ARP_ENTRY;
    expect(fake.data(0, 'GET /bytes/10 HTTP/1.0\r\n\r\n')).toBe(APP_ACCEPT);
    const first = fake.take();
    expect(fake.event(0, TCP_EVENT_REGENERATE, null, (first[first.length - 1][2] as string).length)).toBe(APP_SENT_DATA);
    expect(fake.take()).toEqual(first.slice(-1));
  });

  it('waits for the peer\'s window: nothing sent into a zero window, TCP_WINDOW_UPDATE resumes, TCP_WINDOW_PROBE sends one byte', () => {
    const board = { mss: 1460, window: 0 };
    const fake = new FakeApi();
    startHttp(fake.api, { ...UTASKER_HTTP, board: { socketTable: () => [], peerMss: () => board.mss, peerWindow: () => board.window } });
    fake.take();
    fake.event(0, TCP_EVENT_CONNECTED);
    expect(fake.data(0, 'GET /bytes/10 HTTP/1.0\r\n\r\n')).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([]);
    expect(fake.event(0, TCP_WINDOW_PROBE)).toBe(APP_SENT_DATA);
    expect(fake.take()).toEqual([['fnSendTCP', 0, 'H', TCP_FLAG_PUSH]]);
    expect(fake.event(0, TCP_EVENT_ACK)).toBe(APP_ACCEPT); // still a zero window
    board.window = 30;
    expect(fake.event(0, TCP_WINDOW_UPDATE)).toBe(APP_SENT_DATA);
    expect(fake.take()).toEqual([['fnSendTCP', 0, 'TTP/1.0 200 OK\r\nContent-Type: ', TCP_FLAG_PUSH]]);
  });

  it('ignores partial acknowledgements and stops sending once the peer closes', () => {
    const { fake } = started({ mss: 1460 });
    fake.event(3, TCP_EVENT_CONNECTED);
    fake.data(3, 'GET /bytes/100000 HTTP/1.0\r\n\r\n');
    fake.take();
    expect(fake.event(3, TCP_EVENT_PARTIAL_ACK, PEER, 700)).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([]);
    expect(fake.event(3, TCP_EVENT_CLOSE)).toBe(APP_ACCEPT);
    expect(fake.event(3, TCP_EVENT_ACK)).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([]);
  });

  it('answers data after the request with nothing (one request per connection)', () => {
    const { fake } = started({ mss: 1460 });
    fake.event(0, TCP_EVENT_CONNECTED);
    fake.data(0, 'GET /bytes/100000 HTTP/1.0\r\n\r\n');
    fake.take();
    expect(fake.data(0, 'GET / HTTP/1.0\r\n\r\n')).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([]);
  });

  it('serves /bytes/104857600 (100 MB) generated block by block, byte-exact, then closes', () => {
    const N = 100 * 1024 * 1024;
    const head = HEAD_3000.replace('3000', String(N));
    let offset = 0; // response bytes seen so far
    let bad = 0;
    let closes = 0;
    let listener: TcpListener | undefined;
    const api = {
      fnGetTCP_Socket: (_tos: number, _idle: number, l: TcpListener) => ((listener = l), 0),
      fnTCP_Listen: (s: number) => s,
      fnTCP_close: (s: number) => (closes++, s),
      fnSendTCP: (_s: number, buf: Uint8Array, len: number) => {
        for (let i = 0; i < len; i++) {
          const at = offset + i;
          const expected = at < head.length ? head.charCodeAt(at) : (at - head.length) % 251;
          if (buf[20 + i] !== expected) bad++;
        }
        offset += len;
        return 54 + len;
      },
    } as unknown as UTaskerTcp;
    const http = startHttp(api, { ...UTASKER_HTTP, sessions: 1, board: { socketTable: () => [], peerMss: () => 1460 } });
    const l = listener!;
    l(0, TCP_EVENT_CONNECTED, PEER, 50000);
    const request = ascii(`GET /bytes/${N} HTTP/1.0\r\n\r\n`);
    let answer = l(0, TCP_EVENT_DATA, request, request.length);
    for (let i = 0; i < 80_000 && answer === APP_SENT_DATA; i++) answer = l(0, TCP_EVENT_ACK, PEER, 50000);
    expect(answer).toBe(APP_REQUEST_CLOSE);
    expect(closes).toBe(1);
    expect(offset).toBe(head.length + N);
    expect(bad).toBe(0);
    expect(http.counters.blocksSent).toBe(Math.ceil((head.length + N) / 1400));
  });

  it('stop() releases every socket', () => {
    const { fake, http } = started();
    fake.take();
    http.stop();
    expect(fake.take()).toEqual([0, 1, 2, 3].map((s) => ['fnReleaseTCP_Socket', s]));
    expect(http.sockets).toEqual([]);
  });
});

describe('buffered TCP events (telnet.c pattern, spec §8.2)', () => {
  it.each([
    ['ACK', TCP_EVENT_ACK, 0, [[0, TCP_BUF_NEXT]]],
    ['PARTIAL_ACK', TCP_EVENT_PARTIAL_ACK, 500, [[500, TCP_BUF_NEXT]]],
    ['REGENERATE', TCP_EVENT_REGENERATE, 1400, [[0, TCP_BUF_REP], [0, TCP_BUF_NEXT | TCP_BUF_KICK_NEXT]]],
    ['REGENERATE 0 (probe)', TCP_EVENT_REGENERATE, 0, [[0, TCP_BUF_NEXT | TCP_BUF_SEND]]],
    ['WINDOW_UPDATE', TCP_WINDOW_UPDATE, 0, [[0, TCP_BUF_NEXT | TCP_BUF_KICK_NEXT]]],
  ])('%s → fnSendBufTCP commands', (_name, event, portLen, expected) => {
    const fake = new FakeApi();
    const answer = driveBufferedTcp(fake.api, 5, event, portLen);
    expect(fake.take()).toEqual((expected as number[][]).map(([len, cmd]) => ['fnSendBufTCP', 5, null, len, cmd]));
    expect(answer).toBe(event === TCP_EVENT_REGENERATE ? APP_SENT_DATA : APP_ACCEPT);
  });

  it('answers APP_SENT_DATA when fnSendBufTCP sent a frame, and leaves other events to the caller', () => {
    const fake = new FakeApi();
    fake.bufResult = 1400;
    expect(driveBufferedTcp(fake.api, 1, TCP_EVENT_ACK, 0)).toBe(APP_SENT_DATA);
    expect(driveBufferedTcp(fake.api, 1, TCP_EVENT_DATA, 10)).toBeUndefined();
    expect(driveBufferedTcp(fake.api, 1, TCP_EVENT_CLOSE, 10)).toBeUndefined();
  });
});

describe('service sizes', () => {
  it('by default the services take a 16-segment transmit buffer and the largest unscaled receive window (echo: its buffer)', () => {
    const cases: [(api: FakeApi['api']) => unknown, number, number, number][] = [
      [(api) => startEcho(api), 7, 16 * 1460, 16 * 1460],
      [(api) => startChargen(api), 19, 16 * 1460, 0xffff],
      [(api) => startDiscard(api), 9, 2800, 0xffff],
    ];
    for (const [start, port, buffer, window] of cases) {
      const fake = new FakeApi();
      start(fake.api);
      const calls = fake.take();
      expect(calls).toContainEqual(['fnDefineTCPBufferSize', 0, buffer]);
      expect(calls).toContainEqual(['fnTCP_Listen', 0, port, window]);
    }
  });
});

describe('echo listener', () => {
  function echo() {
    const fake = new FakeApi();
    const service = startEcho(fake.api, UTASKER_SERVICE);
    expect(fake.take()).toEqual([0, 1].flatMap((s) => [
      ['fnGetTCP_Socket', TOS_MINIMISE_DELAY, TCP_DEFAULT_TIMEOUT],
      ['fnDefineTCPBufferSize', s, 2800],
      ['fnTCP_Listen', s, 7, 1460],
    ]));
    fake.event(0, TCP_EVENT_CONNECTED);
    return { fake, service };
  }

  it('queues the received bytes for sending, announcing the room left as the window first', () => {
    const { fake } = echo();
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    fake.bufResult = 1000;
    expect(fake.data(0, bytes)).toBe(APP_SENT_DATA);
    expect(fake.take()).toEqual([
      ['fnModifyTCPWindow', 0, 1460], // 2800 free − 1000 = 1800, at most the listen window
      ['fnSendBufTCP', 0, bytes, 1000, TCP_BUF_SEND],
    ]);
    fake.bufResult = 0;
    expect(fake.data(0, bytes)).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([['fnModifyTCPWindow', 0, 800], ['fnSendBufTCP', 0, bytes, 1000, TCP_BUF_SEND]]);
  });

  it('refuses data that does not fit with APP_REJECT_DATA (the peer repeats it) and never queues part of it', () => {
    const { fake, service } = echo();
    fake.free = 500;
    expect(fake.data(0, new Uint8Array(600))).toBe(APP_REJECT_DATA);
    expect(fake.take()).toEqual([['fnModifyTCPWindow', 0, 500]]);
    expect(service.counters).toMatchObject({ rejected: 1, bytesIn: 0, bytesOut: 0 });
  });

  it('after acknowledgements free the buffer, reports the opened window when nothing else carries it', () => {
    const { fake, service } = echo();
    fake.free = 1500;
    fake.data(0, new Uint8Array(1400)); // window 100: the peer still believes 1460 − 1400 = 60
    fake.take();
    fake.free = 2800;
    expect(fake.event(0, TCP_EVENT_ACK)).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([
      ['fnModifyTCPWindow', 0, 1460],
      ['fnSendBufTCP', 0, null, 0, TCP_BUF_NEXT],
      ['fnReportTCPWindow', 0, 1460],
    ]);
    expect(service.counters.windowReports).toBe(1);
    // The window is known to the peer now: the next acknowledgement needs no report.
    fake.event(0, TCP_EVENT_ACK);
    expect(fake.take().map((c) => c[0])).toEqual(['fnModifyTCPWindow', 'fnSendBufTCP']);
  });

  it('no report when the echo segment itself carries the opened window', () => {
    const { fake } = echo();
    fake.free = 1500;
    fake.data(0, new Uint8Array(1400));
    fake.take();
    fake.free = 2800;
    fake.bufResult = 1400;
    expect(fake.event(0, TCP_EVENT_ACK)).toBe(APP_SENT_DATA);
    expect(fake.take().map((c) => c[0])).toEqual(['fnModifyTCPWindow', 'fnSendBufTCP']);
  });

  it('does not echo after its own FIN (idle close) and re-listens with its window on CLOSED/ABORT', () => {
    const { fake } = echo();
    fake.state = TCP_STATE_FIN_WAIT_1;
    expect(fake.data(0, 'late')).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([]);
    expect(fake.event(0, TCP_EVENT_CLOSE)).toBe(APP_ACCEPT);
    expect(fake.event(0, TCP_EVENT_CLOSED)).toBe(APP_ACCEPT);
    expect(fake.event(1, TCP_EVENT_ABORT)).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([['fnTCP_Listen', 0, 0, 1460], ['fnTCP_Listen', 1, 0, 1460]]);
  });
});

describe('chargen and discard listeners', () => {
  it('chargen fills the buffer on CONNECTED and refills after each acknowledgement until the peer closes', () => {
    const fake = new FakeApi();
    startChargen(fake.api, UTASKER_SERVICE);
    fake.take();
    fake.bufResult = 1400;
    expect(fake.event(1, TCP_EVENT_CONNECTED)).toBe(APP_SENT_DATA);
    const first = fake.take();
    expect(first.map((c) => [c[0], c[3], c[4]])).toEqual([['fnSendBufTCP', 2800, TCP_BUF_SEND]]);
    const firstText = text(first[0][2] as Uint8Array);
    expect(firstText.slice(0, 74)).toBe(` !"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\`abcdefg\r\n`);
    fake.free = 1400;
    fake.bufResult = 0;
    expect(fake.event(1, TCP_EVENT_ACK)).toBe(APP_ACCEPT);
    const refill = fake.take();
    expect(refill.map((c) => [c[0], c[3], c[4]])).toEqual([['fnSendBufTCP', 0, TCP_BUF_NEXT], ['fnSendBufTCP', 1400, TCP_BUF_SEND]]);
    // The refill continues the stream: 2800 = 37 lines of 74 plus 62 bytes.
    const line37 = Array.from({ length: 72 }, (_, j) => String.fromCharCode(0x20 + ((37 + j) % 95))).join('');
    expect(text(refill[1][2] as Uint8Array).slice(0, 12)).toBe(line37.slice(62, 72) + '\r\n');
    expect(fake.event(1, TCP_EVENT_CLOSE)).toBe(APP_ACCEPT);
    fake.free = 2800;
    fake.event(1, TCP_EVENT_ACK);
    expect(fake.take().map((c) => c[4])).toEqual([TCP_BUF_NEXT]);
  });

  it('discard counts and acknowledges, sending nothing', () => {
    const fake = new FakeApi();
    const discard = startDiscard(fake.api, UTASKER_SERVICE);
    expect(fake.take().filter((c) => c[0] === 'fnTCP_Listen')).toEqual([['fnTCP_Listen', 0, 9, 1460], ['fnTCP_Listen', 1, 9, 1460]]);
    fake.event(0, TCP_EVENT_CONNECTED);
    expect(fake.data(0, new Uint8Array(1000))).toBe(APP_ACCEPT);
    expect(fake.data(0, new Uint8Array(234))).toBe(APP_ACCEPT);
    expect(fake.take()).toEqual([]);
    fake.event(0, TCP_EVENT_CLOSED);
    expect(discard.counters).toMatchObject({ bytesIn: 1234, lastConnectionBytes: 1234, bytesOut: 0, closed: 1 });
  });
});
