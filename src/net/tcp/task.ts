/**
 * The TCP task ('T', µTasker's fnTaskTCP): reads its queue; a timer message runs the
 * deadline processing, a message from the ARP task reports whether a peer's MAC address
 * was resolved for one of our sockets (docs/tcp-states.md, "ARP results").
 */
import { resendAfterArp } from './buffered.js';
import type { TcpCore } from './core.js';
import { MESSAGE_HEADER_LENGTH, MessageField, MessageSource } from '../../sched/message.js';
import { TASK_ARP } from '../tasks.js';
import { ARP_RESOLUTION_FAILED, ARP_RESOLUTION_SUCCESS } from './network.js';
import { seqDiff } from './seq.js';
import type { TcpSocket } from './socket.js';
import { processTimers } from './timers.js';
import { serveSynBacklog } from './syn-overload.js';
import { TcpEvent, TcpState } from './types.js';
import { CNT_TCP_ARP_FAILED, CNT_TCP_ARP_RESOLVED, CNT_TCP_TASK_UNKNOWN_MESSAGES } from '../counter-ids.js';

const HEADER = MESSAGE_HEADER_LENGTH;
const FROM_ARP = TASK_ARP.charCodeAt(0);
/** Messages handled per run; the queue is small (MEDIUM_QUEUE), this only bounds the loop. */
const MAX_MESSAGES = 64;

/** What a task function receives (structurally src/sched's TaskContext). */
export interface TcpTaskContext {
  readonly queue: number;
}

/** Where messages are read; used only within one synchronous task run, so all stacks share it. */
const msg = new Uint8Array(HEADER + 8);

export function runTcpTask(core: TcpCore, ctx: TcpTaskContext): void {
  for (let i = 0; i < MAX_MESSAGES; i++) {
    if (core.scheduler.read(ctx.queue, msg, HEADER) < HEADER) break;
    const source = msg[MessageField.SourceTask];
    if (source === MessageSource.Timer) {
      core.timerFired();
      processTimers(core);
      // A timer may have freed a socket (an abort back to LISTEN) for a client waiting with a cookie.
      if (core.synBacklog.length > 0) serveSynBacklog(core);
      continue;
    }
    if (source === MessageSource.Interrupt) continue;
    const length = msg[MessageField.Length];
    const got = length > 0 ? core.scheduler.read(ctx.queue, msg.subarray(HEADER), Math.min(length, 8)) : 0;
    // Content longer than we look at is skipped so the next header is read in step.
    if (length > 8) skip(core, ctx.queue, length - 8);
    if (source === FROM_ARP && got >= 2) arpResult(core, msg[HEADER], got >= 3 ? (msg[HEADER + 1] << 8) | msg[HEADER + 2] : msg[HEADER + 1]);
    else core.counters.inc(CNT_TCP_TASK_UNKNOWN_MESSAGES);
  }
  core.syncTimer();
}

function skip(core: TcpCore, queue: number, n: number): void {
  const sink = new Uint8Array(n);
  core.scheduler.read(queue, sink, n);
}

/** ARP answered for `socket` (the pool size denotes the pseudo-socket of connectionless RSTs). */
export function arpResult(core: TcpCore, result: number, socket: number): void {
  if (socket === core.config.sockets) {
    const pending = core.out.pendingReset;
    core.out.pendingReset = undefined;
    if (pending !== undefined && result === ARP_RESOLUTION_SUCCESS) core.out.sendReset(pending);
    return;
  }
  const s = core.sockets[socket];
  if (s === undefined || s.state <= TcpState.Listen) return;
  if (result === ARP_RESOLUTION_SUCCESS) {
    core.counters.inc(CNT_TCP_ARP_RESOLVED);
    resendAfterResolution(core, s);
  } else if (result === ARP_RESOLUTION_FAILED) {
    core.counters.inc(CNT_TCP_ARP_FAILED);
    core.notifyPeer(s, TcpEvent.ArpResolutionFailed);
  }
}

/** Whatever could not go out while the MAC was unknown goes out now. */
function resendAfterResolution(core: TcpCore, s: TcpSocket): void {
  switch (s.state) {
    case TcpState.SynSent:
      core.sendSyn(s);
      return;
    case TcpState.SynReceived:
      core.sendSynAck(s);
      return;
    case TcpState.Established:
    case TcpState.CloseWait:
      resendData(core, s);
      return;
    case TcpState.FinWait1:
    case TcpState.Closing:
    case TcpState.LastAck:
      core.sendFin(s);
      return;
    default:
      if (s.ackPending) core.sendAck(s);
  }
}

/**
 * Buffered sockets resend from their buffer. Simple sockets rewind to the start of the
 * unacknowledged block and get TCP_EVENT_REGENERATE (its answer is not used here, as in
 * µTasker); with nothing to repeat, a pending window report or ACK is sent again.
 */
function resendData(core: TcpCore, s: TcpSocket): void {
  if (s.tx !== undefined && s.tx.buffer.length > 0) {
    resendAfterArp(core, s);
    return;
  }
  const length = seqDiff(s.sndMax, s.blockStart);
  if (length > 0 && s.tx === undefined) {
    s.sndNxt = s.blockStart;
    s.inRegenerate = true;
    core.notify(s, TcpEvent.Regenerate, null, length);
    s.inRegenerate = false;
    return;
  }
  if (s.windowUpdatePending || s.ackPending) {
    s.windowUpdatePending = false;
    core.sendAckNow(s);
  }
}
