/**
 * What must hold in a stack between any two frames, whatever the frames were: sequence
 * variables of every socket in order, timers only where the state allows them, buffers
 * within their bounds, counters that add up and no internal error swallowed by the
 * stack's guards. Read-only: it never changes the stack. Each violation is a message.
 */
import type { Stack } from '../src/stack.js';
import type { TcpCore } from '../src/net/tcp/core.js';
import type { TcpSocket } from '../src/net/tcp/socket.js';
import { seqLeq } from '../src/net/tcp/seq.js';
import { TcpState, tcpStateName } from '../src/net/tcp/types.js';

const STATES = new Set<number>(Object.values(TcpState).filter((v): v is number => typeof v === 'number'));
/** States with a connection whose sequence variables are in use. */
const CONNECTED = new Set<number>([
  TcpState.SynReceived, TcpState.Established, TcpState.FinWait1, TcpState.FinWait2, TcpState.Closing,
  TcpState.CloseWait, TcpState.LastAck, TcpState.TimeWait,
]);
/** States that run no timer at all. */
const TIMERLESS = new Set<number>([TcpState.Free, TcpState.Reserved, TcpState.Listen, TcpState.Closed]);
const MAX_WINDOW = 0xffff;

/** Counters that a correct stack never increments: each is an exception its guards caught. */
export const INTERNAL_ERROR_COUNTERS = ['tcp.internal-errors', 'eth.drop.internal-error'] as const;
/** Layers whose `<layer>.drops` must equal the sum of their `<layer>.drop.<reason>`. */
const DROP_LAYERS = ['eth', 'ipv4', 'arp', 'icmp', 'tcp', 'eth-out', 'ipv4-out'];

export function coreOf(stack: Stack): TcpCore {
  return (stack.tcp as unknown as { core: TcpCore }).core;
}

function checkSocket(s: TcpSocket, core: TcpCore, now: number, out: string[]): void {
  const name = `socket ${s.index} (${tcpStateName(s.state)})`;
  if (!STATES.has(s.state)) {
    out.push(`${name}: unknown state ${s.state}`);
    return;
  }
  const deadlines = [s.rtxAt, s.idleAt, s.finWait2At, s.timeWaitAt, s.persistAt, s.swsAt, s.wndUpdateAt];
  for (const d of deadlines) if (d !== undefined && !Number.isFinite(d)) out.push(`${name}: deadline ${d}`);
  if (TIMERLESS.has(s.state) && s.nextDeadline() !== undefined) {
    out.push(`${name}: timer running (rtx ${s.rtxAt} idle ${s.idleAt} fw2 ${s.finWait2At} tw ${s.timeWaitAt} persist ${s.persistAt} sws ${s.swsAt} window update ${s.wndUpdateAt})`);
  }
  if (s.state === TcpState.TimeWait && (s.timeWaitAt === undefined || s.rtxAt !== undefined || s.persistAt !== undefined)) {
    out.push(`${name}: TIME_WAIT with timers tw ${s.timeWaitAt} rtx ${s.rtxAt} persist ${s.persistAt}`);
  }
  if (s.state === TcpState.FinWait2 && (s.rtxAt !== undefined || s.persistAt !== undefined)) {
    out.push(`${name}: FIN_WAIT_2 with rtx ${s.rtxAt} persist ${s.persistAt}`);
  }
  // The window update is repeated only in ESTABLISHED; sending our FIN stops it.
  if (s.wndUpdateAt !== undefined && s.state !== TcpState.Established && s.state !== TcpState.CloseWait) {
    out.push(`${name}: window-update timer ${s.wndUpdateAt} in ${tcpStateName(s.state)}`);
  }
  // A deadline far in the past means a timer the task never served.
  const late = s.nextDeadline();
  if (late !== undefined && late < now - 60_000) out.push(`${name}: deadline ${late} overdue at ${now}`);
  if (s.state === TcpState.Free && (s.localPort !== 0 || s.listener !== null)) out.push(`${name}: free socket keeps port ${s.localPort} or listener`);
  if (!(s.rcvWindow >= 0 && s.rcvWindow <= MAX_WINDOW && Number.isInteger(s.rcvWindow))) out.push(`${name}: receive window ${s.rcvWindow}`);
  if (!CONNECTED.has(s.state)) return;
  // Sequence space: SND.UNA ≤ SND.NXT ≤ SND.MAX, the simple-TCP block start not beyond SND.UNA.
  if (!seqLeq(s.sndUna, s.sndNxt)) out.push(`${name}: SND.UNA ${s.sndUna} > SND.NXT ${s.sndNxt}`);
  if (!seqLeq(s.sndNxt, s.sndMax)) out.push(`${name}: SND.NXT ${s.sndNxt} > SND.MAX ${s.sndMax}`);
  if (!seqLeq(s.blockStart, s.sndUna)) out.push(`${name}: block start ${s.blockStart} > SND.UNA ${s.sndUna}`);
  if (!seqLeq(s.iss, s.sndUna)) out.push(`${name}: ISS ${s.iss} > SND.UNA ${s.sndUna}`);
  if (!seqLeq(s.irs, s.rcvNxt)) out.push(`${name}: IRS ${s.irs} > RCV.NXT ${s.rcvNxt}`);
  for (const [label, v] of [['SND.UNA', s.sndUna], ['SND.NXT', s.sndNxt], ['SND.MAX', s.sndMax], ['RCV.NXT', s.rcvNxt]] as const) {
    if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) out.push(`${name}: ${label} ${v} is not a u32`);
  }
  if (!(s.sndWnd >= 0 && s.sndWnd <= 0x3fffffff && Number.isInteger(s.sndWnd))) out.push(`${name}: SND.WND ${s.sndWnd}`);
  if (!(s.peerMss > 0 && s.peerMss <= 0xffff)) out.push(`${name}: peer MSS ${s.peerMss}`);
  // RCV.NXT never passes the right edge we advertised: data beyond the window is not taken.
  if (s.rcvAdvEdge !== undefined && !seqLeq(s.rcvNxt, s.rcvAdvEdge + (s.finReceived ? 1 : 0))) {
    out.push(`${name}: RCV.NXT ${s.rcvNxt} beyond the advertised edge ${s.rcvAdvEdge}`);
  }
  const q = s.reassembly;
  if (q !== undefined && (q.bytes > core.config.reassemblyMaxBytes || q.segments > core.config.reassemblyMaxSegments || q.bytes < 0)) {
    out.push(`${name}: reassembly holds ${q.bytes} bytes in ${q.segments} segments`);
  }
  const tx = s.tx;
  if (tx !== undefined) {
    const held = tx.buffer.length;
    if (held < 0 || held > tx.buffer.capacity) out.push(`${name}: send buffer holds ${held} of ${tx.buffer.capacity}`);
    // Every unacknowledged byte of a buffered socket is still in its buffer (the FIN takes one number).
    const inFlight = (s.sndMax - s.sndUna) >>> 0;
    if (s.state !== TcpState.SynReceived && inFlight - (s.finSent ? 1 : 0) > held) out.push(`${name}: ${inFlight} bytes in flight, ${held} buffered`);
  }
}

/** Every violation in `stack` now; empty when all holds. */
export function checkStack(stack: Stack, label = ''): string[] {
  const out: string[] = [];
  const core = coreOf(stack);
  const now = stack.clock.now();
  if (core.sockets.length !== core.config.sockets) out.push(`pool has ${core.sockets.length} sockets, configured ${core.config.sockets}`);
  core.sockets.forEach((s, i) => {
    if (s.index !== i) out.push(`socket at ${i} has index ${s.index}`);
    checkSocket(s, core, now, out);
  });
  // Two sockets never own the same connection.
  const seen = new Map<string, number>();
  for (const s of core.sockets) {
    if (!CONNECTED.has(s.state)) continue;
    const key = `${s.localPort}/${s.remoteAddr}/${s.remotePort}`;
    const other = seen.get(key);
    if (other !== undefined) out.push(`sockets ${other} and ${s.index} both hold ${key}`);
    seen.set(key, s.index);
  }
  // The TCP task's timer runs whenever a socket has a deadline (syncTimer after every entry).
  if (stack.tcp.nextDeadline() !== undefined && stack.scheduler.remainingTime('T') === 0) {
    out.push(`a socket deadline (${stack.tcp.nextDeadline()}) without the TCP task timer`);
  }
  const arpEntries = stack.net.arp.list().length;
  if (arpEntries > 64) out.push(`ARP table holds ${arpEntries} entries`);
  const c = stack.counters.snapshot();
  for (const name of INTERNAL_ERROR_COUNTERS) if ((c[name] ?? 0) > 0) out.push(`${name} = ${c[name]}`);
  for (const layer of DROP_LAYERS) {
    let sum = 0;
    const prefix = `${layer}.drop.`;
    for (const k of Object.keys(c)) if (k.startsWith(prefix)) sum += c[k];
    if (sum !== (c[`${layer}.drops`] ?? 0)) out.push(`${layer}.drops = ${c[`${layer}.drops`] ?? 0}, reasons add up to ${sum}`);
  }
  // Each layer sees no more than the one below it hands up.
  const eth = c['eth.in-frames'] ?? 0;
  const ip = c['ipv4.in-packets'] ?? 0;
  const tcp = c['tcp.in.segments'] ?? 0;
  if (ip + (c['eth.drops'] ?? 0) > eth) out.push(`ipv4.in-packets ${ip} + eth.drops ${c['eth.drops'] ?? 0} > eth.in-frames ${eth}`);
  if (tcp > ip) out.push(`tcp.in.segments ${tcp} > ipv4.in-packets ${ip}`);
  return label === '' ? out : out.map((m) => `${label}: ${m}`);
}
