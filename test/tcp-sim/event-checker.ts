/**
 * Checks that the listener events one socket receives form a legal µTasker sequence
 * (spec §4): CONREQ only in LISTEN; CONNECTED once per connection and before any
 * DATA/ACK; DATA only while the peer may still send; ACK/PARTIAL_ACK/REGENERATE only with
 * data outstanding; CLOSE at most once; CLOSED or ABORT (never both) end the connection,
 * after which nothing arrives until the socket is reused (listen or connect again).
 *
 * Fed from TcpStack's observer (`event`, `stateChanged`); "outstanding" is judged from the
 * socket's count of bytes sent (SND.MAX advances), read through `bytesOut`.
 */
import { TcpEvent, TcpState, tcpStateName } from '../../src/net/tcp/types.js';
import { tcpEventName } from '../../src/api/tcp.js';

type Phase = 'idle' | 'listening' | 'opening' | 'connected' | 'ended';

interface SocketTrack {
  phase: Phase;
  connections: number;
  /** CLOSE seen in the current connection. */
  closeSeen: boolean;
  /** The socket's bytesOut when everything was last reported acknowledged (or the connection began). */
  ackedMark: number;
  /** Everything, for messages. */
  history: string[];
}

export class EventChecker {
  readonly violations: string[] = [];
  private readonly sockets = new Map<number, SocketTrack>();

  constructor(private readonly name: string, private readonly bytesOut: (socket: number) => number) {}

  private track(socket: number): SocketTrack {
    let t = this.sockets.get(socket);
    if (t === undefined) {
      t = { phase: 'idle', connections: 0, closeSeen: false, ackedMark: 0, history: [] };
      this.sockets.set(socket, t);
    }
    return t;
  }

  private fail(socket: number, t: SocketTrack, what: string): void {
    const recent = t.history.slice(-8).join(' ');
    if (this.violations.length < 20) this.violations.push(`${this.name} socket ${socket}: ${what} (recent: ${recent})`);
  }

  stateChanged(socket: number, from: TcpState, to: TcpState): void {
    const t = this.track(socket);
    t.history.push(`${tcpStateName(from)}>${tcpStateName(to)}`);
    if (to === TcpState.Listen) {
      // fnTCP_Listen (or a passive socket going back to LISTEN after an abort): a new life.
      if (t.phase === 'opening' || t.phase === 'connected') {
        // Leaving a live connection for LISTEN is only legal with the ABORT that reports it
        // (checked when that event comes); remember nothing else.
      }
      if (t.phase !== 'connected' && t.phase !== 'opening') t.phase = 'listening';
    } else if ((to === TcpState.SynSent || to === TcpState.SynReceived) && from !== TcpState.SynSent) {
      if (t.phase === 'connected') this.fail(socket, t, `${tcpStateName(to)} entered while connected`);
      t.phase = 'opening';
      t.connections++;
      t.closeSeen = false;
      t.ackedMark = this.bytesOut(socket);
    } else if (to === TcpState.SynReceived) {
      // Simultaneous open: SYN_SENT → SYN_RCVD stays in the same connection attempt.
    } else if (to === TcpState.Free) {
      t.phase = 'idle';
    }
  }

  event(socket: number, event: TcpEvent, state: TcpState): void {
    const t = this.track(socket);
    const name = tcpEventName(event);
    t.history.push(`${name}@${tcpStateName(state)}`);
    const live = t.phase === 'connected';
    switch (event) {
      case TcpEvent.ConnectionRequest:
        if (state !== TcpState.Listen) this.fail(socket, t, `CONREQ in ${tcpStateName(state)}`);
        return;
      case TcpEvent.Connected:
        if (t.phase !== 'opening') this.fail(socket, t, `CONNECTED in phase ${t.phase}`);
        if (state !== TcpState.Established) this.fail(socket, t, `CONNECTED in ${tcpStateName(state)}`);
        t.phase = 'connected';
        return;
      case TcpEvent.Data:
        if (!live) this.fail(socket, t, `DATA in phase ${t.phase}`);
        if (state !== TcpState.Established && state !== TcpState.FinWait1 && state !== TcpState.FinWait2) {
          this.fail(socket, t, `DATA in ${tcpStateName(state)} (after the peer's FIN?)`);
        }
        return;
      case TcpEvent.Ack:
        if (!live) this.fail(socket, t, `ACK in phase ${t.phase}`);
        if (this.bytesOut(socket) <= t.ackedMark) this.fail(socket, t, 'ACK with nothing outstanding');
        t.ackedMark = this.bytesOut(socket);
        return;
      case TcpEvent.PartialAck:
        if (!live) this.fail(socket, t, `PARTIAL_ACK in phase ${t.phase}`);
        if (this.bytesOut(socket) <= t.ackedMark) this.fail(socket, t, 'PARTIAL_ACK with nothing outstanding');
        return;
      case TcpEvent.Regenerate:
        if (!live) this.fail(socket, t, `REGENERATE in phase ${t.phase}`);
        if (this.bytesOut(socket) <= t.ackedMark) this.fail(socket, t, 'REGENERATE with nothing outstanding');
        return;
      case TcpEvent.WindowUpdate:
      case TcpEvent.WindowProbe:
        if (!live) this.fail(socket, t, `${name} in phase ${t.phase}`);
        return;
      case TcpEvent.Close:
        if (!live) this.fail(socket, t, `CLOSE in phase ${t.phase}`);
        if (t.closeSeen) this.fail(socket, t, 'second CLOSE in one connection');
        t.closeSeen = true;
        return;
      case TcpEvent.Closed:
        // Reported after the handshake (TIME_WAIT/LAST_ACK done) or by fnTCP_close in SYN_SENT.
        if (!live && !(t.phase === 'opening' && state === TcpState.Closed)) this.fail(socket, t, `CLOSED in phase ${t.phase}`);
        if (state !== TcpState.Closed && state !== TcpState.TimeWait) this.fail(socket, t, `CLOSED in ${tcpStateName(state)}`);
        t.phase = 'ended';
        return;
      case TcpEvent.Abort:
        if (!live && t.phase !== 'opening') this.fail(socket, t, `ABORT in phase ${t.phase}`);
        if (state !== TcpState.Closed && state !== TcpState.Listen) this.fail(socket, t, `ABORT in ${tcpStateName(state)}`);
        t.phase = state === TcpState.Listen ? 'listening' : 'ended';
        return;
      case TcpEvent.ArpResolutionFailed:
        if (t.phase !== 'opening' && !live) this.fail(socket, t, `ARP_RESOLUTION_FAILED in phase ${t.phase}`);
        return;
      default:
        this.fail(socket, t, `unknown event ${event}`);
    }
  }

  /** Connections started on `socket` (SYN_SENT or SYN_RCVD entered). */
  connections(socket: number): number {
    return this.sockets.get(socket)?.connections ?? 0;
  }

  history(socket: number): string[] {
    return this.sockets.get(socket)?.history ?? [];
  }
}
