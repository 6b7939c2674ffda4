/**
 * The ECMA-419 Listener on the simulated LAN: µTasker-style clients (hosts/sim/tcp-client.ts)
 * against the ECMA-419 echo of examples/ecma419-echo.ts and against small Listener
 * applications written here. Bytes, pending-connection counts, flow control of unread
 * data, close from either side, and every socket back in the pool.
 */
import Listener from 'embedded:io/socket/listener';
import TCP from 'embedded:io/socket/tcp';
import { startEcma419Echo, startEcma419EchoClient, type Ecma419EchoClientResult } from '../../examples/ecma419-echo.js';
import { provideStack } from '../../src/io/provider.js';
import { TcpClient, bytesSource, text } from '../../hosts/sim/tcp-client.js';
import { TCP_STATE_LISTEN } from '../../src/api/tcp.js';
import { SERVER_IP, ecmaBoards, pattern, runUntil, socketsInUse } from './sim.js';

const equalBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;
const join = (chunks: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(chunks));

describe('ECMA-419 Listener against µTasker clients', () => {
  it('echoes 300 kB byte-exact for two clients at once, closes on their FIN, and returns every socket to the pool', () => {
    const { clock, client, server, errors } = ecmaBoards('server');
    const echo = startEcma419Echo();
    expect(echo.port).toBe(7);
    expect(socketsInUse(server)).toBe(2); // the backlog, listening
    const a = pattern(300_000, 1);
    const b = pattern(300_000, 2);
    const clients = [a, b].map((data) => {
      const c = new TcpClient(client.api, { clock, closeAfterReceiving: data.length });
      expect(c.connect(SERVER_IP, 7)).toBeGreaterThanOrEqual(0);
      c.send(bytesSource(data));
      return c;
    });
    expect(runUntil(clock, () => clients.every((c) => c.finished), 60_000)).toBe(true);
    expect(clients.map((c) => c.closed)).toEqual([true, true]);
    expect(equalBytes(clients[0].data(), a)).toBe(true);
    expect(equalBytes(clients[1].data(), b)).toBe(true);
    expect(echo.bytes).toBe(600_000);
    runUntil(clock, () => echo.connections === 0 && socketsInUse(server) === 2, 5_000);
    expect(echo.connections).toBe(0);
    expect(socketsInUse(server)).toBe(2);
    echo.close();
    expect(socketsInUse(server)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('echoes everything a client sends right before its FIN, then closes (a half close)', () => {
    const { clock, client, server } = ecmaBoards('server');
    const echo = startEcma419Echo();
    const data = pattern(100_000, 4);
    const c = new TcpClient(client.api, { clock, closeWhenSent: true, onPeerClose: 'accept' });
    c.connect(SERVER_IP, 7);
    c.send(bytesSource(data));
    expect(runUntil(clock, () => c.finished, 30_000)).toBe(true);
    expect(c.closed).toBe(true);
    expect(equalBytes(c.data(), data)).toBe(true);
    runUntil(clock, () => echo.connections === 0, 5_000);
    expect(echo.connections).toBe(0);
    expect(socketsInUse(server)).toBe(2);
  });

  it('serves an ECMA-419 client on the other board (both sides ECMA-419, each on its own stack)', () => {
    const { clock, client } = ecmaBoards('server');
    const echo = startEcma419Echo(7100);
    provideStack(client); // sockets made from now on use the client board
    const results: Ecma419EchoClientResult[] = [];
    startEcma419EchoClient('198.18.0.2', 7100, 64_000, (r) => results.push(r));
    expect(runUntil(clock, () => results.length > 0, 10_000)).toBe(true);
    expect(results[0]).toEqual({ sent: 64_000, received: 64_000, mismatchAt: -1, failed: false });
    expect(runUntil(clock, () => echo.connections === 0, 5_000)).toBe(true);
    expect(socketsInUse(client)).toBe(0);
  });

  it('keeps unread data and holds the sender back with the window until the application reads', () => {
    const { clock, client, server } = ecmaBoards('server', { hub: { receiveBuffer: 4096 } });
    let accepted: TCP | undefined;
    const counts: number[] = [];
    const listener = new Listener({
      port: 8000,
      onReadable(count) {
        counts.push(count);
        accepted = new TCP({ from: this.read()! }); // no onReadable: nothing is read for now
      },
    });
    const data = pattern(50_000, 3);
    const c = new TcpClient(client.api, { clock });
    c.connect(SERVER_IP, 8000);
    c.send(bytesSource(data));
    clock.advance(5_000);
    expect(counts).toEqual([1]);
    // The receive buffer is full and the rest waits at the sender.
    const held = server.tcp.socketTable().find((s) => s.localPort === 8000 && s.bytesIn > 0)!;
    expect(held.bytesIn).toBe(4096);
    const sender = () => client.tcp.socketTable().find((s) => s.socket === c.socket)!;
    expect(sender().bytesOut).toBeLessThan(data.length);
    const got: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < 200 && total < data.length; i++) {
      const chunk = accepted!.read() as ArrayBuffer | undefined;
      if (chunk !== undefined) {
        got.push(new Uint8Array(chunk));
        total += chunk.byteLength;
      }
      clock.advance(50);
    }
    expect(total).toBe(data.length);
    expect(equalBytes(join(got), data)).toBe(true);
    // Never refused: the sender retransmitted nothing.
    expect(sender().retransmissions).toBe(0);
    accepted!.close();
    listener.close();
  });

  it('counts pending connections, hands them out oldest first, and refuses new ones after close()', () => {
    const { clock, client, server } = ecmaBoards('server', { hub: { backlog: 3 } });
    const counts: number[] = [];
    const listener = new Listener({ port: 9000, onReadable: (n) => counts.push(n) });
    expect(listener.port).toBe(9000);
    expect(listener.format).toBe('socket/tcp');
    expect(listener.read()).toBeUndefined();
    const c1 = new TcpClient(client.api, { clock });
    c1.connect(SERVER_IP, 9000);
    clock.advance(100);
    const c2 = new TcpClient(client.api, { clock });
    c2.connect(SERVER_IP, 9000);
    const c3 = new TcpClient(client.api, { clock });
    c3.connect(SERVER_IP, 9000);
    clock.advance(100);
    expect(counts).toEqual([1, 3]);
    const ports = [c1, c2, c3].map((c) => client.api.fnGetTCP_port(c.socket, 0));
    const first = listener.read()!;
    expect(first.remoteAddress).toBe('198.18.0.1');
    expect(first.remotePort).toBe(ports[0]);
    const second = new TCP({ from: listener.read()! });
    expect(second.remotePort).toBe(ports[1]);
    // `from` hands the connection over: the old object is closed.
    const third = listener.read()!;
    const adopted = new TCP({ from: third });
    expect(third.remotePort).toBeUndefined();
    expect(() => third.write(new Uint8Array(1))).toThrow(/closed/);
    expect(adopted.remotePort).toBe(ports[2]);
    expect(listener.read()).toBeUndefined();
    // The sockets given out were replaced: the port still has its backlog listening.
    clock.advance(10);
    expect(server.tcp.socketTable().filter((s) => s.localPort === 9000 && s.state === TCP_STATE_LISTEN)).toHaveLength(3);

    listener.close();
    expect(() => listener.read()).toThrow(/closed/);
    const late = new TcpClient(client.api, { clock });
    late.connect(SERVER_IP, 9000);
    clock.advance(100);
    expect(late.aborted).toBe(true); // a RST: nobody listens any more
    for (const s of [first, second, adopted]) s.close();
  });

  it('sends everything written before close() and then its FIN (the server closes first)', () => {
    const { clock, client, server } = ecmaBoards('server');
    const body = pattern(20_000, 5);
    new Listener({
      port: 80,
      onReadable() {
        new TCP({
          from: this.read()!,
          onReadable() {
            const request = text(new Uint8Array(this.read() as ArrayBuffer));
            this.write(Uint8Array.from(`you sent ${request}\n`, (ch) => ch.charCodeAt(0)));
            this.write(body.subarray(0, 8000)); // fits in the 8192-byte send buffer with the line
            this.close();
          },
        });
      },
    });
    const c = new TcpClient(client.api, { clock, onPeerClose: 'half-close' });
    c.connect(SERVER_IP, 80);
    c.send('GET');
    expect(runUntil(clock, () => c.finished, 10_000)).toBe(true);
    expect(c.closed).toBe(true);
    const got = c.data();
    expect(text(got.subarray(0, 13))).toBe('you sent GET\n');
    expect(equalBytes(got.subarray(13), body.subarray(0, 8000))).toBe(true);
    runUntil(clock, () => socketsInUse(server) === 2, 5_000);
    expect(socketsInUse(server)).toBe(2); // only the listener's
  });

  it('reports onError when the client resets, and frees the connection\'s socket', () => {
    const { clock, client, server } = ecmaBoards('server');
    const log: string[] = [];
    new Listener({
      port: 81,
      onReadable() {
        new TCP({ from: this.read()!, onError() { log.push('error'); this.close(); } });
      },
    });
    const c = new TcpClient(client.api, { clock });
    c.connect(SERVER_IP, 81);
    clock.advance(100);
    expect(socketsInUse(server)).toBe(3);
    client.api.fnActiveTCP_connections(1); // RESET_CONNECTIONS: RST to the board
    clock.advance(100);
    expect(log).toEqual(['error']);
    expect(socketsInUse(server)).toBe(2);
  });

  it('throws for bad options as ECMA-419 does', () => {
    ecmaBoards('server');
    expect(() => new Listener({ port: -1 })).toThrow(RangeError);
    expect(() => new Listener({ port: 1.5 })).toThrow(RangeError);
    expect(() => new Listener({ port: 82, format: 'buffer' as 'socket/tcp' })).toThrow(RangeError);
    expect(() => new Listener({ port: 82, onReadable: {} as never })).toThrow(TypeError);
    expect(() => new Listener({ port: 82, address: 'nowhere' })).toThrow(RangeError);
    const l = new Listener({});
    expect(l.port).toBeGreaterThanOrEqual(49152);
    expect(() => { l.format = 'number' as 'socket/tcp'; }).toThrow(RangeError);
    l.close();
  });
});
