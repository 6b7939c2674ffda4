/** What a board holds per connection, for the hostile tests' leak checks (not a test file). */
import type { TcpCore } from '../../src/net/tcp/core.js';
import { tcpStateName } from '../../src/net/tcp/types.js';
import type { Stack } from '../../src/stack.js';

export const tcpCore = (stack: Stack): TcpCore => (stack.tcp as unknown as { core: TcpCore }).core;

/** Socket states, armed deadlines, send-buffer bytes, held segments, queued cookie clients, ARP entries. */
export function figures(stack: Stack) {
  const c = tcpCore(stack);
  const states: Record<string, number> = {};
  let deadlines = 0;
  let txBytes = 0;
  let held = 0;
  for (const s of c.sockets) {
    const name = tcpStateName(s.state);
    states[name] = (states[name] ?? 0) + 1;
    if (s.nextDeadline() !== undefined) deadlines++;
    txBytes += s.tx?.buffer.length ?? 0;
    held += (s.reassembly as unknown as { count?: number } | undefined)?.count ?? 0;
  }
  return { states, deadlines, txBytes, held, backlog: c.synBacklog.length, arp: stack.net.arp.list().length, pendingReset: c.out.pendingReset !== undefined };
}
