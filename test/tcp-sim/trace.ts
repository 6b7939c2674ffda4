/**
 * A readable packet trace of a two-board run (for understanding a failing property run):
 * every TCP segment the LAN sees, with its fate, plus the stacks' state changes and events.
 */
import type { SimFrameEvent } from '../../hosts/sim/lan.js';
import { parseIpv4 } from '../../src/net/wire/ipv4.js';
import { parseTcp, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../src/net/wire/tcp.js';

const LETTERS: [string, number][] = [['S', TCP_SYN], ['F', TCP_FIN], ['R', TCP_RST], ['P', TCP_PSH], ['A', TCP_ACK]];

/** One line for a frame event, or undefined for frames that are not TCP. */
export function describeFrame(e: SimFrameEvent): string | undefined {
  const f = e.frame;
  if (f.length < 14 || f[12] !== 0x08 || f[13] !== 0x00) return `${e.timeMs.toFixed(1)} ${e.kind} ${e.port.name} non-IP`;
  const ip = parseIpv4(f.subarray(14), false);
  if (typeof ip === 'string' || ip.protocol !== 6) return undefined;
  const seg = parseTcp(ip.payload, ip.src, ip.dst, false);
  if (typeof seg === 'string') return `${e.timeMs.toFixed(1)} ${e.kind} ${seg}`;
  const flags = LETTERS.filter(([, b]) => seg.flags & b).map(([l]) => l).join('');
  const who = e.from.name === 'client' ? 'C→S' : 'S→C';
  const fate = e.kind === 'dropped' ? `DROPPED(${e.reason})` : e.kind;
  return `${e.timeMs.toFixed(1)} ${fate} ${who} ${flags} seq=${seg.seq} ack=${seg.ack} win=${seg.window} len=${seg.payload.length}`;
}
