/**
 * The ECMA-419 TCP socket as a client on the simulated LAN, against µTasker-style servers
 * on the other board: the echo service (src/apps/echo.ts) and the greeting server of
 * examples/hello-server.ts (which closes first). Events, bytes, back-pressure, errors,
 * and the socket going back to the pool.
 */
import TCP from 'embedded:io/socket/tcp';
import { startEcho } from '../../src/apps/echo.js';
import { fnStartHello } from '../../examples/hello-server.js';
import { TCP_STATE_LISTEN } from '../../src/api/tcp.js';
import { concat, ecmaBoards, pattern, runUntil, socketsInUse } from './sim.js';

const SERVER = '198.18.0.2';

describe('ECMA-419 TCP client against a µTasker echo server', () => {
  it('reports onWritable once connected, echoes 200 kB byte-exact under back-pressure, and frees its socket on close', () => {
    const { clock, client, server, errors } = ecmaBoards('client');
    const echo = startEcho(server.api);
    const data = pattern(200_000);
    const received: ArrayBuffer[] = [];
    const log: string[] = [];
    let sent = 0;
    let receivedBytes = 0;
    let wouldBlock = 0;
    const socket = new TCP({
      address: SERVER,
      port: 7,
      onWritable(bytes) {
        if (log.length === 0) log.push(`writable ${bytes} ${this.remoteAddress}:${this.remotePort}`);
        // Fill the send buffer; (once) one byte more than `bytes` must throw and write nothing.
        const chunk = Math.min(bytes, data.length - sent);
        if (wouldBlock === 0 && chunk === bytes) {
          expect(() => this.write(data.subarray(sent, sent + chunk + 1))).toThrow(/would block/);
          wouldBlock++;
        }
        if (chunk > 0) this.write(data.subarray(sent, sent + chunk));
        sent += chunk;
      },
      onReadable(bytes) {
        const got = this.read() as ArrayBuffer;
        expect(got.byteLength).toBe(bytes);
        received.push(got);
        receivedBytes += got.byteLength;
      },
      onError() {
        log.push('error');
      },
    });
    expect(() => socket.write(new Uint8Array(1))).toThrow(/not connected/);
    expect(runUntil(clock, () => receivedBytes >= data.length, 60_000)).toBe(true);
    expect(log[0]).toBe('writable 8192 198.18.0.2:7');
    expect(wouldBlock).toBeGreaterThan(0);
    expect(Buffer.compare(concat(received), data)).toBe(0);
    expect(echo.counters.bytesOut).toBe(data.length);

    const before = socketsInUse(client);
    socket.close();
    expect(socket.remoteAddress).toBeUndefined();
    expect(() => socket.read()).toThrow(/closed/);
    socket.close(); // a second close does nothing
    runUntil(clock, () => socketsInUse(client) === before - 1, 5_000);
    expect(socketsInUse(client)).toBe(before - 1);
    // The echo sockets listen again; no onError after close().
    runUntil(clock, () => echo.sockets.every((s) => server.api.fnGetTCP_state(s) === TCP_STATE_LISTEN), 5_000);
    expect(echo.sockets.map((s) => server.api.fnGetTCP_state(s))).toEqual([TCP_STATE_LISTEN, TCP_STATE_LISTEN]);
    expect(log).toEqual(['writable 8192 198.18.0.2:7']);
    expect(errors).toEqual([]);
  });

  it('coalesces the writes of one turn into one segment', () => {
    const { clock, lan, server } = ecmaBoards('client');
    startEcho(server.api);
    const payloads: number[] = [];
    lan.observe((e) => {
      const f = e.frame;
      if (e.kind === 'sent' && f.length > 54 && f[23] === 6 && ((f[36] << 8) | f[37]) === 7) {
        const ihl = (f[14] & 0x0f) * 4;
        const total = (f[16] << 8) | f[17];
        const payload = total - ihl - (f[14 + ihl + 12] >> 4) * 4;
        if (payload > 0) payloads.push(payload);
      }
    });
    let echoed = '';
    new TCP({
      address: SERVER,
      port: 7,
      onWritable() {
        if (echoed !== '') return;
        for (const word of ['one ', 'two ', 'three ', 'four']) this.write(Uint8Array.from(word, (c) => c.charCodeAt(0)));
        echoed = ' ';
      },
      onReadable() {
        echoed += String.fromCharCode(...new Uint8Array(this.read() as ArrayBuffer));
      },
    });
    runUntil(clock, () => echoed.length > 18, 5_000);
    expect(echoed.trim()).toBe('one two three four');
    expect(payloads).toEqual([18]);
  });

  it('reads with read(n), read(buffer) and the number format', () => {
    const { clock, server } = ecmaBoards('client');
    startEcho(server.api);
    const parts: unknown[] = [];
    new TCP({
      address: SERVER,
      port: 7,
      onWritable() {
        if (parts.length > 0) return;
        this.write(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer);
        parts.push('w');
      },
      onReadable(bytes) {
        if (bytes < 8) return; // wait for the whole echo (it comes as one segment anyway)
        parts.push(new Uint8Array(this.read(3) as ArrayBuffer));
        const into = new Uint8Array(2);
        parts.push(this.read(into), into);
        this.format = 'number';
        parts.push(this.read(), this.format);
        expect(() => { this.format = 'text' as 'number'; }).toThrow(RangeError);
        this.format = 'buffer';
        parts.push(new Uint8Array(this.read(100) as ArrayBuffer), this.read());
      },
    });
    runUntil(clock, () => parts.length > 3, 5_000);
    expect(parts).toEqual(['w', new Uint8Array([1, 2, 3]), 2, new Uint8Array([4, 5]), 6, 'number', new Uint8Array([7, 8]), undefined]);
  });

  it('gets onError after the server\'s FIN only once the data has been read', () => {
    const { clock, server, client } = ecmaBoards('client');
    fnStartHello(server.api, 7000);
    const log: string[] = [];
    let socket: TCP | undefined;
    socket = new TCP({
      address: SERVER,
      port: 7000,
      onReadable(bytes) {
        log.push(`readable ${bytes}`); // not read here: the error must wait
      },
      onError() {
        log.push('error');
      },
    });
    runUntil(clock, () => log.length > 0, 5_000);
    clock.advance(2_000); // the server's FIN arrives meanwhile
    expect(log).toEqual(['readable 18']);
    expect(String.fromCharCode(...new Uint8Array(socket.read() as ArrayBuffer))).toBe('hello from xstcp\r\n');
    clock.advance(10);
    expect(log).toEqual(['readable 18', 'error']);
    const inUse = socketsInUse(client);
    socket.close();
    runUntil(clock, () => socketsInUse(client) < inUse, 5_000);
    expect(socketsInUse(client)).toBe(inUse - 1);
    socket = undefined;
  });

  it('reports onError and frees the socket when the connection is refused', () => {
    const { clock, client } = ecmaBoards('client');
    const log: string[] = [];
    new TCP({ address: SERVER, port: 4444, onWritable: () => log.push('writable'), onError: () => log.push('error') });
    runUntil(clock, () => log.length > 0, 5_000);
    expect(log).toEqual(['error']);
    clock.advance(10);
    expect(socketsInUse(client)).toBe(0);
  });

  it('throws for bad options as ECMA-419 does', () => {
    ecmaBoards('client');
    expect(() => new TCP(undefined as never)).toThrow(TypeError);
    expect(() => new TCP({ port: 7 } as never)).toThrow(TypeError);
    expect(() => new TCP({ address: '198.18.0.300', port: 7 })).toThrow(RangeError);
    expect(() => new TCP({ address: SERVER } as never)).toThrow(TypeError);
    expect(() => new TCP({ address: SERVER, port: 70000 })).toThrow(RangeError);
    expect(() => new TCP({ address: SERVER, port: 7, format: 'text' as 'buffer' })).toThrow(RangeError);
    expect(() => new TCP({ address: SERVER, port: 7, onReadable: 5 as never })).toThrow(TypeError);
    expect(() => new TCP({ from: {} as TCP })).toThrow(TypeError);
  });

  it('throws when the pool has no socket, and when no stack was provided', () => {
    const { withdraw } = ecmaBoards('client', { tcp: { sockets: 1 } });
    new TCP({ address: SERVER, port: 7 });
    expect(() => new TCP({ address: SERVER, port: 7 })).toThrow(/no socket/);
    withdraw();
    expect(() => new TCP({ address: SERVER, port: 7 })).toThrow(/provideStack/);
  });
});
