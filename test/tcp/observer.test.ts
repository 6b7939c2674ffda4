/** The stack reports state changes and listener events to an observer (the board's --trace). */
import { TcpHarness } from './harness.js';
import { tcpEventName, tcpStateName } from '../../src/api/tcp.js';

describe('observer of states and events', () => {
  test('an active close is reported as transitions and events with µTasker names, in order', () => {
    const h = new TcpHarness();
    const log: string[] = [];
    h.stack.setObserver({
      stateChanged: (socket, from, to) => log.push(`${socket} ${tcpStateName(from)} -> ${tcpStateName(to)}`),
      event: (socket, event, state) => log.push(`${socket} ${tcpEventName(event)} in ${tcpStateName(state)}`),
    });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
    expect(log).toEqual([
      `${s} FREE -> RESERVED`,
      `${s} RESERVED -> LISTEN`,
      `${s} TCP_EVENT_CONREQ in LISTEN`,
      `${s} LISTEN -> SYN_RCVD`,
      `${s} SYN_RCVD -> ESTABLISHED`,
      `${s} TCP_EVENT_CONNECTED in ESTABLISHED`,
      `${s} ESTABLISHED -> FIN_WAIT_1`,
      // RFC 9293 handles the ACK part of the FIN+ACK first, then its FIN.
      `${s} FIN_WAIT_1 -> FIN_WAIT_2`,
      `${s} FIN_WAIT_2 -> TIME_WAIT`,
      `${s} TCP_EVENT_CLOSED in TIME_WAIT`,
    ]);
    h.stack.setObserver(undefined);
    h.advance(200_000);
    expect(log).toHaveLength(10);
    expect(h.state(s)).toBe('CLOSED');
  });

  test('event names are µTasker\'s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(tcpEventName)).toEqual([
      'TCP_EVENT_ABORT', 'TCP_EVENT_CONNECTED', 'TCP_EVENT_ACK', 'TCP_EVENT_DATA', 'TCP_EVENT_CLOSE', 'TCP_EVENT_CLOSED',
      'TCP_EVENT_REGENERATE', 'TCP_EVENT_CONREQ', 'TCP_EVENT_ARP_RESOLUTION_FAILED', 'TCP_EVENT_PARTIAL_ACK',
      'TCP_WINDOW_UPDATE', 'TCP_WINDOW_PROBE',
    ]);
  });
});
