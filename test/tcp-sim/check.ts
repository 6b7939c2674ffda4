/**
 * The properties of a finished two-board run (brief: 1 delivery, 2 closed ends, 3 nothing
 * left behind, 4 legal event sequences), each failure as a message.
 */
import type { Outcome, SideOutcome } from './scenario.js';

export interface CheckOptions {
  /** Property 2: both ends closed (or a reported abort). Off in the stress property. */
  requireClosed: boolean;
}

/** Bytes from `from` to `to`: exactly once, in order, no extra; all of them unless the connection aborted. */
function delivery(from: SideOutcome, to: SideOutcome, aborted: boolean, out: string[]): void {
  const sent = from.endpoint;
  const got = to.endpoint;
  const label = `${from.name}→${to.name}`;
  if (got.mismatch !== undefined) out.push(`${label}: ${got.mismatch}`);
  if (got.extraBytes > 0) out.push(`${label}: ${got.extraBytes} bytes beyond what was sent`);
  if (got.received > sent.committed) out.push(`${label}: received ${got.received} > sent ${sent.committed}`);
  if (aborted) return;
  if (got.received !== sent.committed) out.push(`${label}: received ${got.received} of ${sent.committed} sent, without an abort`);
  // The application wrote everything unless the stack closed the connection under it (idle timeout).
  if (sent.committed !== sent.plan.total && from.idleTimeouts === 0) {
    out.push(`${label}: only ${sent.committed} of ${sent.plan.total} bytes taken by the stack`);
  }
}

export function checkOutcome(o: Outcome, opts: CheckOptions): string[] {
  const out: string[] = [];
  // The stress property does not require the run to end; one still going at the bound
  // (very slow at 50% loss) is only checked for what holds at any moment.
  const finished = o.settled || opts.requireClosed;
  const c = o.client.endpoint;
  const s = o.server.endpoint;
  const aborted = c.abortCount > 0 || s.abortCount > 0;
  // 1. Delivery.
  delivery(o.client, o.server, aborted || !finished, out);
  delivery(o.server, o.client, aborted || !finished, out);
  // 2. Closed ends.
  if (opts.requireClosed) {
    if (!o.settled) out.push(`not settled after ${o.elapsedMs} ms: client ${o.client.finalState}, server ${o.server.finalState}`);
    for (const side of [o.client, o.server]) {
      const e = side.endpoint;
      // The partner aborted and its RST was lost: only an idle timeout would end this (no keep-alive).
      if (side.halfOpen && aborted) continue;
      if (!['CLOSED', 'FREE', 'LISTEN', 'RESERVED'].includes(side.finalState)) out.push(`${side.name} ends in ${side.finalState}`);
      if (e.connectedCount > 0 && e.closedCount + e.abortCount !== e.connectedCount) {
        out.push(`${side.name}: ${e.connectedCount} connections, ${e.closedCount} CLOSED + ${e.abortCount} ABORT events`);
      }
    }
    if (c.closedCount + c.abortCount === 0 && !(o.client.halfOpen && aborted)) out.push('client never got CLOSED or ABORT');
    // A server that listens again from TCP_EVENT_CLOSED skips TIME_WAIT (µTasker's design, spec
    // §12.1): a stray ACK of the old connection then meets LISTEN and is answered with a RST,
    // which can overtake the final ACK and abort the client in LAST_ACK. Only then may a
    // lossless run abort.
    if (!o.lossy && aborted && !o.serverRelistens) out.push(`abort on a lossless LAN (client ${c.abortCount}, server ${s.abortCount})`);
    if (!o.lossy && c.connectedCount !== 1) out.push(`client connected ${c.connectedCount} times on a lossless LAN`);
  }
  // 3. Nothing left behind.
  for (const side of [o.client, o.server]) {
    if ((side.halfOpen && aborted) || !finished) continue;
    for (const l of side.leftovers) out.push(`${side.name}: ${l}`);
  }
  if (o.settled && o.framesInFlight > 0) out.push(`${o.framesInFlight} frames still in flight`);
  if (o.clockTimers > o.explainedTimers) out.push(`${o.clockTimers} clock timers pending, ${o.explainedTimers} explained (frames, ARP cache)`);
  // 4. Legal event sequences, and the API never refused a legal call.
  for (const side of [o.client, o.server]) {
    out.push(...side.violations);
    for (const e of side.endpoint.apiErrors.slice(0, 5)) out.push(`${side.name}: ${e}`);
  }
  return out;
}

/** A short description of the run for failure messages. */
export function describeOutcome(o: Outcome): string {
  const e = (s: SideOutcome) => {
    const p = s.endpoint;
    return `${s.name}: ${s.finalState} sent ${p.committed}/${p.plan.total} got ${p.received} conn ${p.connectedCount} closed ${p.closedCount} abort ${p.abortCount} close-events ${p.closeEvents} idle ${s.idleTimeouts}`;
  };
  return `${e(o.client)}; ${e(o.server)}; t=${o.elapsedMs} ms, timers ${o.clockTimers}`;
}
