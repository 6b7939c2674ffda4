/**
 * Issue 11 item 2 over TAP: a SYN flood from spoofed on-link sources
 * (fixtures/syn-flood.py, 2,000 SYNs/s) while curl fetches a page every 0.5 s from the
 * kernel's side. Every fetch is served (SYN cookies, docs/deviations.md); afterwards the
 * board's sockets hold nothing but the HTTP listeners and the flood's own half-open
 * connections, and once those time out the board's figures (SIGUSR2: sockets, deadlines,
 * buffers, queued clients, host timers, XS heap) are back to those before the flood.
 * CI floods for 3 s; XSTCP_FLOOD_FULL=1 runs the 20,000 SYNs over 10 s. Runs for
 * Node here and for XS in xs-engine.test.ts. Service times are logged for docs, not
 * asserted beyond "within the curl limit".
 */
import { join } from 'node:path';
import { BOARD_IP, describeIf, interopEngine, interopMissingReason, interopNamespace, REPO_ROOT, runInNetns, startBoard, statusPage, TAP_DEVICE, useInteropLifecycle, type BoardProcess } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const FLOOD = join(REPO_ROOT, 'test', 'interop', 'fixtures', 'syn-flood.py');
const RATE = 2000;
const SECONDS = process.env.XSTCP_FLOOD_FULL === '1' ? 10 : 3;
/** The board's MAC (the CLI's default). */
const BOARD_MAC = '02:00:00:00:00:02';
/** The board's ARP table size (ARP_DEFAULTS.tableEntries, src/net/arp-cache.ts). */
const ARP_TABLE_ENTRIES = 8;
/** Growth of the XS heap (chunk + slot bytes in use after a collection) that differences() lets pass, plus per new ARP entry (measured: about 550). */
const HEAP_MARGIN = 4096;
const ARP_ENTRY_BYTES = 1024;
/** A fetch slower than this fails: "served within seconds". */
const CURL_LIMIT_S = 8;

interface Fetch { status: number | null; code: string; seconds: number }

/** The board's `figures` line (hosts/common/board-figures.ts), asked for with SIGUSR2. */
async function boardFigures(board: BoardProcess): Promise<Record<string, unknown>> {
  const lines = () => board.stderr.split('\n').filter((l) => l.startsWith('xstcp: figures '));
  const seen = lines().length;
  board.child.kill('SIGUSR2');
  await board.waitUntil(() => lines().length > seen, 5000, 'figures line after SIGUSR2');
  return JSON.parse(lines()[seen].slice('xstcp: figures '.length)) as Record<string, unknown>;
}

/**
 * How the board's figures after the flood differ from those before it: every figure must be
 * equal except two. ARP: a flood's SYN that arrives while its source is being resolved
 * completes the entry (µTasker learns senders from their frames), which then lives
 * ARP_TIMEOUT, 20 min (test/hostile/syn-flood-sim waits it out): bounded by the table's 8
 * entries. The XS heap: each of those entries takes about 550 bytes, and lazily made
 * objects a little more, so it may grow by a few KB — a leak of one 32-byte slot per SYN
 * would be 192 KB.
 */
function differences(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'arp' || key === 'memory') continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) found.push(`${key}: ${JSON.stringify(before[key])} -> ${JSON.stringify(after[key])}`);
  }
  if (!(Number(after.arp) <= ARP_TABLE_ENTRIES)) found.push(`arp: ${String(after.arp)} entries, more than the table's ${ARP_TABLE_ENTRIES}`);
  const heap = (f: Record<string, unknown>) => {
    const m = f.memory as { chunks: number; slots: number } | undefined;
    return m === undefined ? 0 : m.chunks + m.slots;
  };
  if ((before.memory === undefined) !== (after.memory === undefined)) found.push('memory: reported only once');
  const margin = HEAP_MARGIN + ARP_ENTRY_BYTES * Math.max(0, Number(after.arp) - Number(before.arp));
  if (heap(after) > heap(before) + margin) found.push(`memory: ${heap(before)} -> ${heap(after)} bytes, more than ${margin} added`);
  return found;
}

/** Asks for the figures once a second until `done` holds for them (bounded); returns the last ones. */
async function figuresWhen(board: BoardProcess, done: (f: Record<string, unknown>) => boolean, limitMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const f = await boardFigures(board);
    if (done(f) || Date.now() >= deadline) return f;
    await new Promise((wake) => setTimeout(wake, 1000));
  }
}

async function fetchOnce(netns: string): Promise<Fetch> {
  const r = await runInNetns(netns, 'curl', ['-sS', '-m', String(CURL_LIMIT_S), '-o', '/dev/null', '-w', '%{http_code} %{time_total}', `http://${BOARD_IP}/bytes/1000`], (CURL_LIMIT_S + 5) * 1000);
  const [code, t] = r.stdout.trim().split(' ');
  return { status: r.status, code: code ?? '', seconds: Number(t) };
}

describeIf(interopMissingReason(['curl']), 'interop: a real client during a SYN flood (issue 11)', () => {
  const { namespaces, track } = useInteropLifecycle();

  it(`curl is served every 0.5 s during ${RATE * SECONDS} spoofed SYNs over ${SECONDS} s`, async () => {
    const netns = interopNamespace(namespaces, 'flood');
    // --retries 2: the flood's half-open connections give up after 3 SYN+ACKs (seconds, not
    // the 2 minutes of 7 backed-off ones) and --msl 1 ends TIME_WAIT in 2 s, so that the
    // board's figures can be compared with their starting values within the test.
    const board = track(await startBoard(netns, ['--app', 'http', '--retries', '2', '--msl', '1']));
    expect((await fetchOnce(netns)).code).toBe('200');
    // The starting figures: after one fetch (the kernel's ARP entry, lazily made objects), once it is over.
    const idle = (f: Record<string, unknown>) => f.deadlines === 0 && Object.keys(f.states as object).every((s) => s === 'LISTEN' || s === 'FREE');
    const before = await figuresWhen(board, idle, 10000);
    expect(idle(before)).toBe(true);
    let flooding = true;
    const flood = runInNetns(netns, PYTHON, [FLOOD, TAP_DEVICE, BOARD_MAC, BOARD_IP, '80', String(RATE), String(SECONDS), '11'], (SECONDS + 20) * 1000)
      .finally(() => { flooding = false; });
    const fetches: Fetch[] = [];
    const started = Date.now();
    // Bounded: one fetch per 0.5 s while the flood runs, at most 4 per flood second.
    while ((flooding || fetches.length < 2) && fetches.length < SECONDS * 4 + 4 && Date.now() - started < (SECONDS + 30) * 1000) {
      const tick = Date.now();
      fetches.push(await fetchOnce(netns));
      await new Promise((wake) => setTimeout(wake, Math.max(0, 500 - (Date.now() - tick))));
    }
    const sent = await flood;
    expect({ status: sent.status, stderr: sent.stderr }).toEqual({ status: 0, stderr: '' });
    expect(Number(sent.stdout.trim())).toBe(RATE * SECONDS);
    const times = fetches.map((f) => f.seconds);
    console.log(`SYN flood ${RATE}/s for ${SECONDS} s on ${interopEngine()}: ${fetches.length} fetches, service times ${times.map((t) => t.toFixed(2)).join(' ')} s`);
    expect(fetches.filter((f) => f.status !== 0 || f.code !== '200')).toEqual([]);
    // Afterwards: the HTTP sockets listen, serve this request, or hold a flood's half-open connection.
    const table = await statusPage(netns);
    const http = table.rows.filter((r) => r.localPort === 80);
    expect(http.filter((r) => !['LISTEN', 'SYN_RCVD', 'ESTABLISHED'].includes(r.state))).toEqual([]);
    expect(http.filter((r) => r.state === 'ESTABLISHED').map((r) => r.peer.split(':')[0])).toEqual(['198.18.0.1']);
    // Once the half-open connections and TIME_WAIT are over, the board holds what it held
    // before (differences(): sockets, deadlines, buffers, queued clients, timers, heap).
    const settled = Date.now();
    const after = await figuresWhen(board, (f) => differences(before, f).length === 0, 40000);
    console.log(`SYN flood on ${interopEngine()}: figures back after ${((Date.now() - settled) / 1000).toFixed(1)} s: ${JSON.stringify(after)} (before: ${JSON.stringify(before)})`);
    expect(differences(before, after)).toEqual([]);
  }, 180000);
});
