/**
 * The seam for native byte helpers (src/net/wire/natives.ts) and the JavaScript
 * fallbacks behind it: copyBytes clamps like the C, copyAndSum copies and sums in one
 * call, emitTcp gives the same segment whichever path it takes, and installing takes
 * only the names a runtime knows.
 */
import fc from 'fast-check';
import { copyBytes, softwareCopyBytes } from '../../src/net/wire/bytes.js';
import { copyAndSum, onesComplementSum, pseudoHeaderSum, softwareOnesComplementSum } from '../../src/net/wire/checksum.js';
import { installByteNatives, NATIVE_CHECKSUM, NATIVE_COPY, NATIVE_COPY_CHECKSUM, removeByteNatives } from '../../src/net/wire/natives.js';
import { emitTcp, parseTcp, TCP_ACK } from '../../src/net/wire/tcp.js';
import { distModule, runXs, useXsFixtures } from '../xs/helpers.js';

afterEach(() => removeByteNatives());

describe('copyBytes (JavaScript)', () => {
  it('copies a range, clamped to both arrays, and returns the count', () => {
    const src = new Uint8Array([1, 2, 3, 4, 5]);
    const dst = new Uint8Array(6);
    expect(copyBytes(dst, 1, src, 1, 4)).toBe(3);
    expect(copyBytes(dst, 4, src, 0, 5)).toBe(2);
    expect(copyBytes(dst, 9, src, 0, 5)).toBe(0);
    expect(copyBytes(dst, 0, src, 3, 2)).toBe(0);
    expect(copyBytes(dst, -3, src, -1, 1)).toBe(1);
    expect(Array.from(dst)).toEqual([1, 2, 3, 4, 1, 2]);
  });

  it('handles overlap in one buffer like a memmove', () => {
    const b = new Uint8Array([1, 2, 3, 4, 5, 6]);
    copyBytes(b, 2, b, 0, 4);
    expect(Array.from(b)).toEqual([1, 2, 1, 2, 3, 4]);
  });
});

describe('copyAndSum', () => {
  it('copies and returns the sum of the copied bytes plus initial', () => {
    const src = new Uint8Array(301).map((_, i) => (i * 37) & 0xff);
    const dst = new Uint8Array(400);
    const sum = copyAndSum(dst, 10, src, 0, src.length, 0x1234);
    expect(Array.from(dst.subarray(10, 311))).toEqual(Array.from(src));
    expect(sum).toBe(softwareOnesComplementSum(src, 0, src.length, 0x1234));
  });
});

describe('installByteNatives', () => {
  it('installs what the lookup knows and keeps JavaScript for the rest', () => {
    const calls: string[] = [];
    const known: Record<string, unknown> = {
      [NATIVE_CHECKSUM]: (b: Uint8Array, s: number, e: number, i: number) => (calls.push('sum'), softwareOnesComplementSum(b, s, e, i)),
      [NATIVE_COPY]: (d: Uint8Array, a: number, s: Uint8Array, b: number, e: number) => (calls.push('copy'), softwareCopyBytes(d, a, s, b, e)),
    };
    expect(installByteNatives((name) => {
      if (name === NATIVE_COPY_CHECKSUM) throw new TypeError('native: no host function');
      return known[name];
    })).toBe(2);
    onesComplementSum(new Uint8Array(4), 0, 4);
    copyBytes(new Uint8Array(4), 0, new Uint8Array(2), 0, 2);
    // copy-and-sum falls back to the two installed helpers.
    copyAndSum(new Uint8Array(4), 0, new Uint8Array(2), 0, 2);
    expect(calls).toEqual(['sum', 'copy', 'copy', 'sum']);
    removeByteNatives();
    onesComplementSum(new Uint8Array(4), 0, 4);
    expect(calls.length).toBe(4);
  });

  it('emitTcp writes the same bytes with a copy-and-sum native as without', () => {
    const payload = new Uint8Array(1460).map((_, i) => (i * 7 + 3) & 0xff);
    const fields = { srcPort: 80, dstPort: 4000, seq: 9, ack: 11, flags: TCP_ACK, window: 1000, urgent: 0, options: { mss: 1460 } };
    const plain = new Uint8Array(1600);
    const n = emitTcp(fields, payload, 0xc6120001, 0xc6120002, plain, 34);
    let used = 0;
    installByteNatives((name) => (name === NATIVE_COPY_CHECKSUM
      ? (d: Uint8Array, a: number, s: Uint8Array, b: number, e: number, i: number) => {
          used++;
          const count = softwareCopyBytes(d, a, s, b, e);
          return softwareOnesComplementSum(d, a, a + count, i);
        }
      : undefined));
    const fast = new Uint8Array(1600);
    expect(emitTcp(fields, payload, 0xc6120001, 0xc6120002, fast, 34)).toBe(n);
    expect(used).toBe(1);
    expect(Array.from(fast)).toEqual(Array.from(plain));
    expect(typeof parseTcp(fast.subarray(34, 34 + n), 0xc6120001, 0xc6120002)).toBe('object');
  });
});

/**
 * The native header reader and writers (targets/common/xstcp_headers.c) against the
 * JavaScript paths, on the XS host: fast-check builds frames (valid ones, and ones with
 * bad lengths, versions, checksums, options, addresses, flipped bytes, cut short); two
 * identical boards take them, one with the natives and one without, and must count the
 * same drops and send the same frames, frame by frame.
 */
describe('header natives on the XS host', () => {
  const BOARD_IP = 0xc6120002;
  const BOARD_MAC = [2, 0, 0, 0, 0, 2];
  const files = useXsFixtures();

  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const frameSpec = fc.record({
    dstMac: fc.constantFrom('board', 'board', 'board', 'broadcast', 'other'),
    ethertype: fc.constantFrom(0x0800, 0x0800, 0x0800, 0x0800, 0x0806, 0x86dd),
    ihl: fc.oneof({ weight: 4, arbitrary: fc.constant(5) }, fc.integer({ min: 0, max: 15 })),
    version: fc.oneof({ weight: 6, arbitrary: fc.constant(4) }, fc.integer({ min: 0, max: 15 })),
    totalDelta: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.integer({ min: -40, max: 40 })),
    /** A total length that leaves the TCP segment shorter than its header (when >= 0). */
    shortSegment: fc.oneof({ weight: 9, arbitrary: fc.constant(-1) }, fc.nat(19)),
    fragment: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 0x4000) }, fc.integer({ min: 0, max: 0xffff })),
    protocol: fc.constantFrom(6, 6, 6, 6, 1, 17, 99),
    tos: fc.integer({ min: 0, max: 255 }),
    ttl: fc.integer({ min: 0, max: 255 }),
    ident: fc.integer({ min: 0, max: 0xffff }),
    src: fc.constantFrom(0xc6120001, 0xc6120001, 0xc6120003, BOARD_IP, 0x0a000001, 0xe0000001, 0xffffffff),
    dst: fc.constantFrom(BOARD_IP, BOARD_IP, BOARD_IP, 0xc61200ff, 0xffffffff, 0xc6120009),
    srcPort: fc.constantFrom(40000, 40001, 0),
    dstPort: fc.constantFrom(9, 19, 19, 0, 80),
    seq: u32,
    ack: u32,
    flags: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0x02, 0x10, 0x18, 0x11, 0x04, 0x12, 0x14) }, fc.integer({ min: 0, max: 255 })),
    window: fc.integer({ min: 0, max: 0xffff }),
    urgent: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.integer({ min: 0, max: 0xffff })),
    options: fc.oneof(
      { weight: 3, arbitrary: fc.constant<number[]>([]) },
      fc.constant([2, 4, 5, 0xb4]),
      fc.constant([2, 4, 5, 0xb4, 1, 3, 3, 7]),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }),
    ),
    dataOffset: fc.oneof({ weight: 5, arbitrary: fc.constant(-1) }, fc.integer({ min: 0, max: 15 })),
    payload: fc.uint8Array({ maxLength: 80 }),
    ipChecksumOk: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, fc.constant(false)),
    tcpChecksumOk: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, fc.constant(false)),
    padding: fc.integer({ min: 0, max: 12 }),
    flips: fc.oneof({ weight: 4, arbitrary: fc.constant<[number, number][]>([]) }, fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 })),
    cut: fc.oneof({ weight: 5, arbitrary: fc.constant(-1) }, fc.nat(100)),
  });
  type FrameSpec = typeof frameSpec extends fc.Arbitrary<infer T> ? T : never;

  function buildFrame(f: FrameSpec): string {
    const options = [...f.options];
    while (options.length % 4 !== 0) options.push(0);
    const tcpHeader = 20 + options.length;
    const tcp = new Uint8Array(tcpHeader + f.payload.length);
    const w16 = (b: Uint8Array, at: number, v: number) => { b[at] = v >>> 8; b[at + 1] = v; };
    const w32 = (b: Uint8Array, at: number, v: number) => { w16(b, at, v >>> 16); w16(b, at + 2, v & 0xffff); };
    w16(tcp, 0, f.srcPort);
    w16(tcp, 2, f.dstPort);
    w32(tcp, 4, f.seq);
    w32(tcp, 8, f.ack);
    tcp[12] = (f.dataOffset >= 0 ? f.dataOffset : tcpHeader / 4) << 4;
    tcp[13] = f.flags;
    w16(tcp, 14, f.window);
    w16(tcp, 18, f.urgent);
    tcp.set(options, 20);
    tcp.set(f.payload, tcpHeader);
    const tcpSum = onesComplementSum(tcp, 0, tcp.length, pseudoHeaderSum(f.src, f.dst, 6, tcp.length));
    w16(tcp, 16, f.tcpChecksumOk ? ~tcpSum & 0xffff : (~tcpSum + 1) & 0xffff);
    const ipHeader = Math.max(20, f.ihl * 4);
    const frame = new Uint8Array(14 + ipHeader + tcp.length + f.padding);
    frame.set(f.dstMac === 'board' ? BOARD_MAC : f.dstMac === 'broadcast' ? [255, 255, 255, 255, 255, 255] : [2, 0, 0, 0, 0, 7], 0);
    frame.set([2, 0, 0, 0, 0, 1], 6);
    w16(frame, 12, f.ethertype);
    frame[14] = (f.version << 4) | f.ihl;
    frame[15] = f.tos;
    w16(frame, 16, f.shortSegment >= 0 ? ipHeader + f.shortSegment : Math.max(0, Math.min(0xffff, ipHeader + tcp.length + f.totalDelta)));
    w16(frame, 18, f.ident);
    w16(frame, 20, f.fragment);
    frame[22] = f.ttl;
    frame[23] = f.protocol;
    w32(frame, 26, f.src);
    w32(frame, 30, f.dst);
    const ipSum = onesComplementSum(frame, 14, 14 + ipHeader);
    w16(frame, 24, f.ipChecksumOk ? ~ipSum & 0xffff : (~ipSum + 3) & 0xffff);
    frame.set(tcp, 14 + ipHeader);
    for (const [at, x] of f.flips) frame[at % frame.length] ^= x;
    const bytes = f.cut >= 0 ? frame.subarray(0, Math.min(frame.length, f.cut)) : frame;
    return Buffer.from(bytes).toString('hex');
  }

  /**
   * Runs `frames` on XS: through both boards (after a handshake with chargen, whose data
   * segments the writers build), and through the readers alone. Returns what each path
   * counted and sent, and what it read, per frame.
   */
  function runBoards(frames: string[]): { installed: number; native: string[]; js: string[]; readNative: string[]; readJs: string[] } {
    const wire = (m: string) => JSON.stringify(distModule(`src/net/wire/${m}.js`));
    const entry = files.write(
      'header-natives.js',
      `import { Stack } from ${JSON.stringify(distModule('src/stack.js'))};
import { SeededRandom } from ${JSON.stringify(distModule('src/host/random.js'))};
import { startDiscard } from ${JSON.stringify(distModule('src/apps/discard.js'))};
import { startChargen } from ${JSON.stringify(distModule('src/apps/chargen.js'))};
import { installByteNatives, removeByteNatives } from ${wire('natives')};
import { frameReader, newHeaderRecord, FRAME_IPV4 } from ${wire('header-record')};
import { Ipv4Input, readIpv4, readIpv4Record, isFragment, emitIpv4Header } from ${wire('ipv4')};
import { TcpSegmentInput, readTcp, readTcpRecord, emitTcp } from ${wire('tcp')};
import { emitEthernetHeader } from ${wire('ethernet')};
const FRAMES = ${JSON.stringify(frames)};
const MAC = new Uint8Array([${BOARD_MAC.join(',')}]), PEER_MAC = new Uint8Array([2, 0, 0, 0, 0, 1]);
const hex = (b) => Array.from(b, (x) => (x < 16 ? '0' : '') + x.toString(16)).join('');
const bytes = (h) => { const b = new Uint8Array(h.length / 2); for (let i = 0; i < b.length; i++) b[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16); return b; };
function board() {
  const mac = { macAddress: MAC, out: [], transmit(f) { this.out.push(hex(f)); return true; },
    receive() { return undefined; }, setReceiveNotify() {}, linkUp() { return true; } };
  const clock = { now() { return 0; }, setTimer() { return 1; }, clearTimer() {} };
  const stack = new Stack({ mac, clock, random: new SeededRandom(7), address: ${BOARD_IP}, netmask: 0xffffff00 });
  stack.start();
  startDiscard(stack.api);
  startChargen(stack.api);
  return { mac, stack };
}
function step(b, frame) {
  b.mac.out = [];
  const before = b.stack.counters.snapshot();
  b.stack.net.handleFrame(frame);
  const after = b.stack.counters.snapshot();
  const changed = Object.keys(after).filter((k) => after[k] !== (before[k] ?? 0)).map((k) => k + '+' + (after[k] - (before[k] ?? 0)));
  return changed.join(' ') + ' | ' + b.mac.out.join(' ');
}
/** A peer segment to the board (built with the JavaScript writers). */
function peer(port, flags, seq, ack, payload) {
  const f = new Uint8Array(54 + payload.length);
  emitEthernetHeader(MAC, PEER_MAC, 0x0800, f, 0);
  const n = emitTcp({ srcPort: 40002, dstPort: port, seq, ack, flags, window: 0xffff, urgent: 0, options: {} }, payload, 0xc6120001, ${BOARD_IP}, f, 34);
  emitIpv4Header({ src: 0xc6120001, dst: ${BOARD_IP}, protocol: 6, ttl: 64, tos: 0, ident: 1 }, n, f, 14);
  return f;
}
/** Handshake with chargen, then ACKs that let it send: the writers' data segments. */
function converse(b, natives) {
  const log = [];
  const run = (frame) => { if (natives) installByteNatives(native); else removeByteNatives(); log.push(step(b, frame)); removeByteNatives(); };
  // Where the board's last segment ends in sequence space (a SYN counts one).
  const sentEnd = () => {
    const f = bytes(b.mac.out[b.mac.out.length - 1] ?? '00'.repeat(60));
    const seq = ((f[38] << 24) | (f[39] << 16) | (f[40] << 8) | f[41]) >>> 0;
    return (seq + ((f[16] << 8) | f[17]) - 20 - (f[46] >> 4) * 4 + ((f[47] & 2) >> 1)) >>> 0;
  };
  run(peer(19, 0x02, 5000, 0, new Uint8Array(0)));
  run(peer(19, 0x10, 5001, sentEnd(), new Uint8Array(0)));
  for (let i = 0; i < 3; i++) run(peer(19, 0x18, 5001 + 2 * i, sentEnd(), new Uint8Array([65 + i, 10])));
  return log;
}
function readJs(frame) {
  if (frame.length < 14) return 'short';
  const ip = new Ipv4Input();
  const code = readIpv4(frame, 14, frame.length, ip);
  if (code !== 0) return 'ip ' + code;
  return describe(ip, () => {
    const seg = new TcpSegmentInput();
    const c = readTcp(ip.buf, ip.payloadStart, ip.payloadEnd, ip.src, ip.dst, seg);
    return c !== 0 ? 'tcp ' + c : segment(seg);
  });
}
function readNative(frame) {
  const record = newHeaderRecord();
  const verdict = frameReader(frame, MAC, record.buffer);
  if (frame.length < 14) return verdict === 1 ? 'short' : 'verdict ' + verdict;
  if (verdict !== FRAME_IPV4) return verdict < 32 ? 'ip ' + verdict : 'eth ' + verdict;
  const ip = new Ipv4Input();
  readIpv4Record(record, frame, 14, ip);
  if ((ip.headers !== null) !== (ip.protocol === 6 && !isFragment(ip))) return 'tcp read when it should not be';
  return describe(ip, () => {
    const seg = new TcpSegmentInput();
    const c = readTcpRecord(record, ip.buf, ip.payloadStart, ip.payloadEnd, seg);
    return c !== 0 ? 'tcp ' + c : segment(seg);
  });
}
function describe(ip, tcp) {
  const s = [ip.src, ip.dst, ip.protocol, ip.ttl, ip.tos, ip.ident, ip.dontFragment, ip.moreFragments, ip.fragmentOffset,
    ip.headerLength, ip.totalLength, ip.payloadStart, ip.payloadEnd].join(',');
  return s + (ip.protocol === 6 && !isFragment(ip) ? ' ' + tcp() : '');
}
function segment(g) {
  return [g.srcPort, g.dstPort, g.seq, g.ack, g.flags, g.window, g.urgent, g.headerLength, JSON.stringify(g.options), hex(g.payload)].join(',');
}
/** The Ethernet layer's own verdict, which the JavaScript path takes before readIpv4. */
function ethernet(frame) {
  if (frame.length < 14) return undefined;
  const broadcast = frame.subarray(0, 6).every((x) => x === 255);
  if (!broadcast && !MAC.every((x, i) => frame[i] === x)) return 'eth 32';
  const type = (frame[12] << 8) | frame[13];
  return type === 0x0806 ? 'eth 33' : type !== 0x0800 ? 'eth 34' : undefined;
}
const withNatives = board(), without = board();
const installed = installByteNatives(native);
const readN = FRAMES.map((h) => readNative(bytes(h)));
removeByteNatives();
const readJ = FRAMES.map((h) => ethernet(bytes(h)) ?? readJs(bytes(h)));
const fast = converse(withNatives, true), js = converse(without, false);
for (const h of FRAMES) {
  installByteNatives(native);
  fast.push(step(withNatives, bytes(h)));
  removeByteNatives();
  js.push(step(without, bytes(h)));
}
print(JSON.stringify({ installed, native: fast, js, readNative: readN, readJs: readJ }));
`,
    );
    const result = runXs(entry, [], { timeoutMs: 120000 });
    if (result.status !== 0) throw new Error(`XS run failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as { installed: number; native: string[]; js: string[]; readNative: string[]; readJs: string[] };
  }

  it('counts the same drops and sends the same frames as the JavaScript readers and writers', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(frameSpec, { minLength: 150, maxLength: 150 }), (specs) => {
        const frames = specs.map(buildFrame);
        const { installed, native, js, readNative, readJs } = runBoards(frames);
        expect(installed).toBe(6);
        for (let i = 0; i < frames.length; i++) {
          if (readNative[i] !== readJs[i]) throw new Error(`frame ${frames[i]}: native read "${readNative[i]}" but JavaScript "${readJs[i]}"`);
        }
        // Five segments of the conversation with chargen, then one per frame.
        expect(native.length).toBe(frames.length + 5);
        for (let i = 0; i < native.length; i++) {
          const what = i < 5 ? `conversation step ${i}` : `frame ${frames[i - 5]}`;
          if (native[i] !== js[i]) throw new Error(`${what}: native "${native[i]}" but JavaScript "${js[i]}"`);
          for (const c of native[i].split(' | ')[0].split(' ')) seen.add(c.replace(/\+\d+$/, ''));
        }
        // chargen answered the ACKs with data (the TCP writer's payload path).
        if (!native.slice(2, 5).every((step) => step.split(' | ')[1].length > 2 * 1000)) throw new Error(`chargen sent no data: ${native.slice(0, 5).join('\n')}`);
      }),
      { numRuns: 4, seed: 0x5eed12, endOnFailure: true },
    );
    // The frames reached every verdict the reader has, and no frame made the stack throw.
    for (const name of ['eth.drop.eth-truncated', 'eth.drop.not-for-us', 'eth.drop.unknown-ethertype', 'arp.drop.arp-truncated',
      'ipv4.drop.ipv4-bad-version', 'ipv4.drop.ipv4-bad-header-length', 'ipv4.drop.ipv4-bad-total-length', 'ipv4.drop.ipv4-bad-checksum',
      'ipv4.drop.fragment', 'tcp.drop.tcp-truncated', 'tcp.drop.tcp-bad-header-length', 'tcp.drop.tcp-bad-checksum', 'tcp.drop.tcp-bad-option',
      'tcp.drop.tcp-no-socket', 'tcp.out.segments', 'tcp.in.segments']) {
      expect([name, seen.has(name)]).toEqual([name, true]);
    }
    expect([...seen].filter((n) => n.includes('internal'))).toEqual([]);
  }, 300000);
});
