/**
 * Window scaling (RFC 7323) between two xstcp boards on the simulated LAN, with loss,
 * duplication and reordering: both offer it, both announce a shift of 3 (a 256 KiB
 * maxReceiveWindow), windows go scaled both ways, and echo and chargen arrive byte-exact.
 * With one side not offering it neither scales. Read from the LAN's capture.
 */
import { readPcap } from '../../hosts/common/pcap.js';
import { startBoard, type Board } from '../../hosts/common/board.js';
import { SimLan } from '../../hosts/sim/lan.js';
import { TcpClient, bytesSource } from '../../hosts/sim/tcp-client.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { chargenByte } from '../../src/apps/chargen.js';
import { SeededRandom } from '../../src/host/random.js';
import type { TcpConfig } from '../../src/net/tcp/config.js';
import { parseTcp, TCP_SYN } from '../../src/net/wire/tcp.js';
import { parseMac } from '../../src/net/wire/ethernet.js';

const SERVER_IP = new Uint8Array([198, 18, 0, 2]);
const WINDOW = 262144;
const SIZE = 200_000;

/** A server board (echo, chargen) and a client board on a LAN with impairments, both capturing. */
function lanPair(serverTcp: Partial<TcpConfig>, clientTcp: Partial<TcpConfig>, receiveWindow?: number) {
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed: 7 });
  const frames: Uint8Array[] = [];
  lan.observe((e) => {
    if (e.kind === 'delivered') frames.push(e.frame.slice());
  });
  const impairments = { loss: 0.01, duplicate: 0.01, reorder: 0.02, delayMs: 1, jitterMs: 1 };
  const board = (n: number, apps: ('echo' | 'chargen')[], tcp: Partial<TcpConfig>, window?: number): Board => startBoard({
    mac: lan.attach({ macAddress: parseMac(`02:00:00:00:00:0${n}`)!, name: `b${n}`, egress: impairments }),
    clock, random: new SeededRandom(n), address: (0xc6120000 + n) >>> 0, netmask: 0xffffff00, apps, tcp, receiveWindow: window,
  });
  const server = board(2, ['echo', 'chargen'], serverTcp, receiveWindow);
  const client = board(1, [], clientTcp);
  const run = (c: TcpClient) => {
    for (let i = 0; i < 60_000 && !c.finished; i++) clock.advance(5);
    expect(c.finished).toBe(true);
  };
  return { clock, frames, server, client, run };
}

/** The TCP segments of the capture (Ethernet + IPv4 with a 20-byte header, as the stack sends). */
function segments(frames: Uint8Array[]) {
  return frames.filter((f) => f[12] === 0x08 && f[13] === 0 && f[23] === 6).map((f) => {
    const seg = parseTcp(f.subarray(34, 14 + ((f[16] << 8) | f[17])), 0, 0, false);
    if (typeof seg === 'string') throw new Error(seg);
    return { fromServer: f[29] === 2, syn: (seg.flags & TCP_SYN) !== 0, window: seg.window, wscale: seg.options.windowScale, port: f[29] === 2 ? seg.srcPort : seg.dstPort };
  });
}

describe('window scaling between two boards on the simulated LAN', () => {
  test('both offer it: shift 3 each way, scaled windows, echo and chargen byte-exact under loss and reordering', () => {
    const big = { maxReceiveWindow: WINDOW };
    const { clock, frames, client, run } = lanPair(big, big, WINDOW);
    const data = new Uint8Array(SIZE).map((_, i) => (i * 13 + (i >> 9)) & 0xff);
    const echo = new TcpClient(client.stack.api, { clock, window: WINDOW, closeAfterReceiving: SIZE, bufferSize: 60000 });
    echo.connect(SERVER_IP, 7);
    echo.send(bytesSource(data));
    run(echo);
    const got = echo.data();
    expect(got.length).toBe(SIZE);
    expect(got.findIndex((b, i) => b !== data[i])).toBe(-1);
    echo.release();

    let bad = -1;
    const chargen = new TcpClient(client.stack.api, { clock, window: WINDOW, keep: false, closeAfterReceiving: SIZE, onData: (chunk, offset) => {
      for (let i = 0; i < chunk.length && bad < 0; i++) if (chunk[i] !== chargenByte(offset + i)) bad = offset + i;
    } });
    chargen.connect(SERVER_IP, 19);
    run(chargen);
    expect(bad).toBe(-1);
    expect(chargen.received).toBeGreaterThanOrEqual(SIZE);

    const all = segments(frames);
    // The option in every SYN and SYN+ACK (repeats included), in no other segment.
    expect(all.filter((s) => s.syn).every((s) => s.wscale === 3)).toBe(true);
    expect(all.filter((s) => !s.syn && s.wscale !== undefined)).toEqual([]);
    // The client announces its 262 144 bytes to chargen as 32 768 in the field.
    const toChargen = all.filter((s) => !s.fromServer && !s.syn && s.port === 19);
    expect(Math.max(...toChargen.map((s) => s.window))).toBe(WINDOW >> 3);
  });

  test('the client does not offer it: neither side scales, and the server\'s window stays at 65 535', () => {
    const { clock, frames, client, run } = lanPair({ maxReceiveWindow: WINDOW }, { windowScaling: false }, WINDOW);
    let bad = -1;
    const chargen = new TcpClient(client.stack.api, { clock, keep: false, closeAfterReceiving: 50_000, onData: (chunk, offset) => {
      for (let i = 0; i < chunk.length && bad < 0; i++) if (chunk[i] !== chargenByte(offset + i)) bad = offset + i;
    } });
    chargen.connect(SERVER_IP, 19);
    run(chargen);
    expect(bad).toBe(-1);
    const all = segments(frames);
    expect(all.filter((s) => s.wscale !== undefined)).toEqual([]);
    expect(Math.max(...all.filter((s) => s.fromServer).map((s) => s.window))).toBe(0xffff);
  });
});
