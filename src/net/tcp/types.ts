/**
 * The vocabulary of the TCP layer: connection states, events given to a socket's
 * listener, the bits a listener answers with, and the error results of the socket API.
 *
 * The numeric values are µTasker's (tcpip.h) so that src/api/tcp.ts can re-export them
 * under their µTasker names without a translation table; µTasker chose the state values
 * as bit patterns and applications test them with masks.
 */

export enum TcpState {
  Free = 0x00,
  Reserved = 0x01,
  Closed = 0x02,
  Listen = 0x03,
  TimeWait = 0x04,
  SynReceived = 0x08,
  SynSent = 0x10,
  FinWait1 = 0x20,
  FinWait2 = 0x40,
  Closing = 0x80,
  CloseWait = 0x90,
  LastAck = 0xa0,
  Established = 0xb0,
}

export enum TcpEvent {
  Abort = 1,
  Connected = 2,
  Ack = 3,
  Data = 4,
  Close = 5,
  Closed = 6,
  Regenerate = 7,
  ConnectionRequest = 8,
  ArpResolutionFailed = 9,
  PartialAck = 10,
  WindowUpdate = 11,
  WindowProbe = 12,
}

/** Bits a listener returns (µTasker's APP_*); they may be OR-ed. */
export const AppResult = {
  Accept: 0x0000,
  SentData: 0x0001,
  Reject: 0x0002,
  Wait: 0x0004,
  RequestClose: 0x0008,
  RejectData: 0x0010,
} as const;

/** Negative results of the socket API (µTasker's error codes). */
export const TcpError = {
  NoListenerInstalled: -1,
  NoSocketFree: -2,
  SocketNotFound: -3,
  SocketStateInvalid: -4,
  NoFreePortsAvailable: -5,
  /** Returned by sends when the peer's MAC is not resolved yet; equals NoListenerInstalled. */
  NoArpEntry: -1,
} as const;

/**
 * A socket's callback. `data` is the peer's IPv4 address (4 bytes) with `portLen` = its
 * port, or received payload (a view valid only during the call) with `portLen` = its
 * length, or null with a length (REGENERATE) — per event, as µTasker's listener.
 */
export type TcpListener = (socket: number, event: number, data: Uint8Array | null, portLen: number) => number;

/** One row of the socket table (for a status page or `netstat`). */
export interface TcpSocketInfo {
  socket: number;
  state: TcpState;
  stateName: string;
  localPort: number;
  /** u32; 0 while no peer is bound. */
  peerAddress: number;
  peerPort: number;
  bytesIn: number;
  bytesOut: number;
  retransmissions: number;
}

const STATE_NAMES: Record<number, string> = {
  [TcpState.Free]: 'FREE',
  [TcpState.Reserved]: 'RESERVED',
  [TcpState.Closed]: 'CLOSED',
  [TcpState.Listen]: 'LISTEN',
  [TcpState.TimeWait]: 'TIME_WAIT',
  [TcpState.SynReceived]: 'SYN_RCVD',
  [TcpState.SynSent]: 'SYN_SENT',
  [TcpState.FinWait1]: 'FIN_WAIT_1',
  [TcpState.FinWait2]: 'FIN_WAIT_2',
  [TcpState.Closing]: 'CLOSING',
  [TcpState.CloseWait]: 'CLOSE_WAIT',
  [TcpState.LastAck]: 'LAST_ACK',
  [TcpState.Established]: 'ESTABLISHED',
};

export function tcpStateName(state: number): string {
  return STATE_NAMES[state] ?? `0x${state.toString(16)}`;
}

/** States in which both directions are synchronized (RFC 9293: after the handshake). */
export function isSynchronized(state: TcpState): boolean {
  return state !== TcpState.SynSent && state > TcpState.Listen;
}
