/**
 * Overload of a listening port: a SYN arrives while every socket listening on its port is
 * busy with a connection. µTasker refuses it with a RST, which a client reports as
 * "connection refused"; here (config.synOverload) it is answered with a SYN cookie, or
 * dropped so that the client repeats it. Ports nobody listens on still get a RST
 * (docs/deviations.md).
 *
 * The cookie's SYN+ACK offers a zero window, so the client sends nothing but its ACK (or,
 * later, zero-window probes). When a returning cookie finds a free socket, the socket
 * takes the connection and opens the window: the client sends its request at once. When
 * none is free, the client is queued (syn-backlog.ts) and the next socket that listens
 * again takes the oldest one — so clients are served in order, not by who retransmits first.
 * For 2 s after a cookie every SYN gets one, even if a listener is free: under a flood of
 * spoofed SYNs, freed sockets then go to clients whose cookie came back, never to the flood.
 */
import { seqLen, TCP_ACK, TCP_RST, TCP_SYN, type TcpSegment } from '../wire/tcp.js';
import { CONNECTION_GONE, type TcpCore } from './core.js';
import { acceptPeer, askListener, enterSynReceived, ListenerVerdict, opensConnection } from './input-open.js';
import { inputSynchronized } from './input-synchronized.js';
import { findListener, recycleHalfOpen, reuseForSyn } from './pool.js';
import { seqAdd } from './seq.js';
import type { TcpSocket } from './socket.js';
import { SYN_BACKLOG_MAX_AGE_MS, SYN_PRESSURE_MS } from './syn-backlog.js';
import { TcpEvent, TcpState } from './types.js';
import { CNT_TCP_SYN_BACKLOG_WAITING, CNT_TCP_SYN_COOKIES_ACCEPTED, CNT_TCP_SYN_COOKIES_SENT, DROP_TCP_LISTEN_NO_ACK, DROP_TCP_SYN_BACKLOG_EXPIRED, DROP_TCP_SYN_BACKLOG_FULL, DROP_TCP_SYN_OVERLOAD } from '../counter-ids.js';

/**
 * A segment that found no socket. Returns true when the overload rules took it (a cookie
 * sent, a SYN dropped, a client queued or connected) or when it is for a listening port
 * and has none of SYN, ACK, RST (RFC 9293 §3.10.7.2: dropped — a FIN, null or Xmas scan
 * learns nothing); false when it gets the usual RST.
 */
export function unmatchedForListener(core: TcpCore, src: number, seg: TcpSegment): boolean {
  if (opensConnection(seg)) return synForBusyPort(core, src, seg);
  if ((seg.flags & (TCP_SYN | TCP_RST | TCP_ACK)) === 0) {
    if (findListener(core, seg.dstPort) === undefined && busyListener(core, seg.dstPort) === undefined) return false;
    core.counters.drop(DROP_TCP_LISTEN_NO_ACK);
    return true;
  }
  if ((seg.flags & (TCP_SYN | TCP_RST | TCP_ACK)) === TCP_ACK && core.config.synOverload === 'cookie') return cookieAck(core, src, seg);
  return false;
}

/**
 * A socket that listened on `port` and is now busy with a connection; undefined when the
 * port is not served. TIME_WAIT does not count: its application had TCP_EVENT_CLOSED and
 * did not listen again; nor does a port whose application closed its last listener.
 */
export function busyListener(core: TcpCore, port: number): TcpSocket | undefined {
  if (core.synBacklog.unlistened.has(port)) return undefined;
  for (const s of core.sockets) {
    if (s.passiveOpen && s.state > TcpState.Listen && s.state !== TcpState.TimeWait && s.localPort === port) return s;
  }
  return undefined;
}

/**
 * The application takes socket `s` out of LISTEN (fnTCP_close, fnReleaseTCP_Socket): when
 * it was the port's last listening socket, the port is no longer served.
 */
export function stopsListening(core: TcpCore, s: TcpSocket): void {
  if (s.state !== TcpState.Listen) return;
  for (const o of core.sockets) if (o !== s && o.state === TcpState.Listen && o.localPort === s.localPort) return;
  core.synBacklog.unlistened.add(s.localPort);
}

/** True while SYNs get cookies even with a listener free (see SynBacklog.pressureUntil). */
export function underSynPressure(core: TcpCore): boolean {
  return core.config.synOverload === 'cookie' && core.now() < core.synBacklog.pressureUntil;
}

function synForBusyPort(core: TcpCore, src: number, seg: TcpSegment): boolean {
  const mode = core.config.synOverload;
  if (mode === 'reset') return false;
  if (busyListener(core, seg.dstPort) === undefined && (!underSynPressure(core) || findListener(core, seg.dstPort) === undefined)) return false;
  if (mode === 'drop') {
    core.counters.drop(DROP_TCP_SYN_OVERLOAD);
    return true;
  }
  const mss = seg.options.mss ?? core.config.defaultPeerMss;
  const cookie = core.synCookies.make(core.network.localAddress(), seg.dstPort, src, seg.srcPort, seg.seq, mss, core.now());
  core.counters.inc(CNT_TCP_SYN_COOKIES_SENT);
  core.synBacklog.pressureUntil = core.now() + SYN_PRESSURE_MS;
  core.out.replySynAck(src, seg.dstPort, seg.srcPort, cookie, seqAdd(seg.seq, 1), 0);
  return true;
}

/**
 * An ACK that matches no connection: if it returns a valid cookie (from the ACK of the
 * handshake or data, SEQ = ISN + 1, or from a zero-window probe, SEQ = ISN), a socket
 * takes the connection, or the client is queued until one is free.
 */
function cookieAck(core: TcpCore, src: number, seg: TcpSegment): boolean {
  const local = core.network.localAddress();
  const now = core.now();
  const cookie = seqAdd(seg.ack, -1);
  let irs = seqAdd(seg.seq, -1);
  let mss = core.synCookies.check(local, seg.dstPort, src, seg.srcPort, irs, cookie, now);
  if (mss === 0) {
    irs = seg.seq;
    mss = core.synCookies.check(local, seg.dstPort, src, seg.srcPort, irs, cookie, now);
  }
  if (mss === 0) return false;
  const q = core.synBacklog;
  const queued = q.find(src, seg.srcPort, seg.dstPort);
  const s = freeSocket(core, src, seg.srcPort, seg.dstPort);
  if (s === undefined) {
    if (queued < 0 && busyListener(core, seg.dstPort) === undefined) return false; // nobody listens any more
    if (q.add(src, seg.srcPort, seg.dstPort, irs, cookie, mss, seg.window, now)) core.counters.inc(CNT_TCP_SYN_BACKLOG_WAITING);
    else core.counters.drop(DROP_TCP_SYN_BACKLOG_FULL);
    return true;
  }
  if (queued >= 0) q.remove(queued);
  if (!establish(core, s, src, seg.srcPort, seg.dstPort, irs, cookie, mss, seg.window)) return true;
  // Data or a FIN on it (a client that ignored the zero window) is handled as in ESTABLISHED.
  if (seqLen(seg) > 0 && seg.seq === s.rcvNxt) inputSynchronized(core, s, src, seg);
  return true;
}

/**
 * A socket for a client with a valid cookie: a listener, else a reusable TIME_WAIT one, else
 * a stale half-open one. Not a FIN_WAIT_2 one: its peer's FIN is on the way, and this client
 * can wait for the socket to listen again.
 */
function freeSocket(core: TcpCore, peer: number, peerPort: number, localPort: number): TcpSocket | undefined {
  return findListener(core, localPort) ?? reuseForSyn(core, peer, peerPort, localPort, false) ?? recycleHalfOpen(core, localPort);
}

/**
 * Gives the oldest queued clients the sockets that are free now. Called after every
 * received segment and timer run while clients wait; expired entries are dropped.
 */
export function serveSynBacklog(core: TcpCore): void {
  const q = core.synBacklog;
  const now = core.now();
  let blockedPort = -1;
  for (let i = 0; i < q.length;) {
    if (now - q.since[i]! > SYN_BACKLOG_MAX_AGE_MS) {
      q.remove(i);
      core.counters.drop(DROP_TCP_SYN_BACKLOG_EXPIRED);
      continue;
    }
    const peer = q.peer[i]!;
    const peerPort = q.peerPort[i]!;
    const localPort = q.localPort[i]!;
    const s = localPort === blockedPort ? undefined : freeSocket(core, peer, peerPort, localPort);
    if (s === undefined) {
      blockedPort = localPort;
      i++;
      continue;
    }
    const irs = q.irs[i]!;
    const iss = q.iss[i]!;
    const mss = q.mss[i]!;
    const window = q.window[i]!;
    q.remove(i);
    establish(core, s, peer, peerPort, localPort, irs, iss, mss, window);
  }
}

/**
 * The connection of a returned cookie in socket `s`, as if `s` had sent the SYN+ACK and
 * just received its ACK: TCP_EVENT_CONREQ (the listener may still refuse: RST), then
 * ESTABLISHED, TCP_EVENT_CONNECTED, and an ACK that opens the window. False when the
 * connection did not come about or the listener gave it up.
 */
function establish(core: TcpCore, s: TcpSocket, peer: number, peerPort: number, localPort: number, irs: number, iss: number, mss: number, window: number): boolean {
  const verdict = askListener(core, s, peer, peerPort);
  if (verdict !== ListenerVerdict.Accept) {
    // <SEQ=our SND.NXT><CTL=RST>, as for an ACK that matched nothing.
    if (verdict === ListenerVerdict.Refuse) core.out.replyReset(peer, localPort, peerPort, 0, seqAdd(iss, 1), TCP_ACK, 0);
    return false;
  }
  core.counters.inc(CNT_TCP_SYN_COOKIES_ACCEPTED);
  acceptPeer(s, irs, Math.max(mss, 64), window, seqAdd(iss, 1));
  enterSynReceived(core, s, iss);
  s.sndUna = s.blockStart = s.sndNxt; // the peer acknowledged the cookie's SYN+ACK
  core.enterEstablished(s);
  if (core.notifyPeer(s, TcpEvent.Connected) === CONNECTION_GONE) return false;
  core.sendAck(s);
  return true;
}
