/**
 * The socket pool: finding the socket an incoming segment belongs to (µTasker's
 * fnMapTCPSocket, with the exact connection preferred over a listener), the emergency
 * paths for a SYN that finds no listener, and ephemeral ports.
 */
import type { TcpCore } from './core.js';
import type { TcpSocket } from './socket.js';
import { TcpEvent, TcpState } from './types.js';
import { CNT_TCP_HALF_OPEN_RECYCLED, CNT_TCP_REUSED_SOCKETS } from '../counter-ids.js';

export const TCP_PORTS_START = 49152;
export const TCP_PORTS_END = 65535;

/** The socket with this exact connection (any state that has a peer). */
export function findConnection(core: TcpCore, peer: number, peerPort: number, localPort: number): TcpSocket | undefined {
  // Indexed: `for ... of` makes an iterator object per call on XS, and this runs per segment.
  const sockets = core.sockets;
  for (let i = 0; i < sockets.length; i++) {
    const s = sockets[i];
    if (s.state > TcpState.Listen && s.localPort === localPort && s.remotePort === peerPort && s.remoteAddr === peer) return s;
  }
  return undefined;
}

/** The first listening socket of the port, in pool order (several may share a port). */
export function findListener(core: TcpCore, localPort: number): TcpSocket | undefined {
  for (const s of core.sockets) {
    if (s.state === TcpState.Listen && s.localPort === localPort) return s;
  }
  return undefined;
}

/**
 * REUSE_TIME_WAIT_SOCKETS for an incoming SYN (docs/tcp-states.md, "Closing"): with no
 * listener on the port, a socket of that port in TIME_WAIT (preferred) or FIN_WAIT_2 whose
 * old connection is not the SYN's 4-tuple is forced to CLOSED and the application is told
 * TCP_EVENT_CLOSED (old peer, port 0). If the application listens again from that
 * callback, the socket takes the SYN; otherwise there is still no listener. `finWait2`
 * false leaves FIN_WAIT_2 sockets alone (for clients that can wait: syn-overload.ts).
 */
export function reuseForSyn(core: TcpCore, peer: number, peerPort: number, localPort: number, finWait2 = true): TcpSocket | undefined {
  if (!core.config.reuseTimeWaitSockets || !core.config.reuseTimeWaitOnSyn) return undefined;
  const s = pickReusable(core, peer, peerPort, localPort, finWait2);
  if (s === undefined) return undefined;
  core.counters.inc(CNT_TCP_REUSED_SOCKETS);
  core.endConnection(s, TcpState.Closed);
  core.notifyPeer(s, TcpEvent.Closed, 0);
  return s.state === TcpState.Listen && s.localPort === localPort ? s : undefined;
}

function pickReusable(core: TcpCore, peer: number, peerPort: number, localPort: number, takeFinWait2: boolean): TcpSocket | undefined {
  let finWait2: TcpSocket | undefined;
  for (const s of core.sockets) {
    if (s.localPort !== localPort || (s.remoteAddr === peer && s.remotePort === peerPort)) continue;
    if (s.state === TcpState.TimeWait) return s;
    if (takeFinWait2 && s.state === TcpState.FinWait2 && finWait2 === undefined) finWait2 = s;
  }
  return finWait2;
}

/**
 * SYN-flood defence (RFC 4987 "recycling the oldest half-open TCB"): when no socket of the
 * port listens, the passively opened SYN_RCVD socket of that port that has waited longest
 * goes back to LISTEN (its application is told TCP_EVENT_ABORT) and takes the new SYN.
 */
export function recycleHalfOpen(core: TcpCore, localPort: number): TcpSocket | undefined {
  if (!core.config.synFloodRecycle) return undefined;
  let oldest: TcpSocket | undefined;
  for (const s of core.sockets) {
    if (s.state !== TcpState.SynReceived || !s.passiveOpen || s.localPort !== localPort) continue;
    if (oldest === undefined || s.openedAt < oldest.openedAt) oldest = s;
  }
  if (oldest === undefined || core.now() - oldest.openedAt < core.config.synFloodRecycleAgeMs) return undefined;
  core.counters.inc(CNT_TCP_HALF_OPEN_RECYCLED);
  core.endConnection(oldest, TcpState.Listen);
  core.notifyPeer(oldest, TcpEvent.Abort);
  return oldest.state === TcpState.Listen && oldest.localPort === localPort ? oldest : undefined;
}

/** fnGetFreeTCP_Port: next port in 49152..65535 that no socket beyond CLOSED uses; 0 when all are taken. */
export function freePort(core: TcpCore): number {
  const span = TCP_PORTS_END - TCP_PORTS_START + 1;
  let port = core.lastPort;
  for (let i = 0; i < span; i++) {
    port = port >= TCP_PORTS_END ? TCP_PORTS_START : port + 1;
    if (!portInUse(core, port)) {
      core.lastPort = port;
      return port;
    }
  }
  return 0;
}

function portInUse(core: TcpCore, port: number): boolean {
  for (const s of core.sockets) if (s.state > TcpState.Closed && s.localPort === port) return true;
  return false;
}
