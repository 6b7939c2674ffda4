/** The event-sequence checker used by the properties: it accepts µTasker's legal sequences and names each illegal one. */
import { TcpEvent as E, TcpState as S } from '../../src/net/tcp/types.js';
import { EventChecker } from './event-checker.js';

/** A checker for socket 0 whose "bytes sent" count the test sets. */
function checker() {
  const sent = { n: 0 };
  const c = new EventChecker('t', () => sent.n);
  return { c, sent };
}

function passiveOpen(c: EventChecker): void {
  c.stateChanged(0, S.Reserved, S.Listen);
  c.event(0, E.ConnectionRequest, S.Listen);
  c.stateChanged(0, S.Listen, S.SynReceived);
  c.stateChanged(0, S.SynReceived, S.Established);
  c.event(0, E.Connected, S.Established);
}

describe('EventChecker', () => {
  it('accepts a whole passive connection with data, an active close and a re-listen', () => {
    const { c, sent } = checker();
    passiveOpen(c);
    c.event(0, E.Data, S.Established);
    sent.n = 100;
    c.event(0, E.PartialAck, S.Established);
    c.event(0, E.Ack, S.Established);
    c.stateChanged(0, S.Established, S.FinWait1);
    c.event(0, E.Data, S.FinWait1);
    c.stateChanged(0, S.FinWait1, S.TimeWait);
    c.event(0, E.Closed, S.TimeWait);
    c.stateChanged(0, S.TimeWait, S.Listen);
    passiveOpen(c);
    c.event(0, E.Close, S.Established);
    c.stateChanged(0, S.Established, S.LastAck);
    c.stateChanged(0, S.LastAck, S.Closed);
    c.event(0, E.Closed, S.Closed);
    expect(c.violations).toEqual([]);
    expect(c.connections(0)).toBe(2);
  });

  it('rejects CONREQ outside LISTEN, DATA before CONNECTED and a second CONNECTED', () => {
    const { c } = checker();
    c.event(0, E.ConnectionRequest, S.Established);
    c.stateChanged(0, S.Listen, S.SynReceived);
    c.event(0, E.Data, S.SynReceived);
    c.stateChanged(0, S.SynReceived, S.Established);
    c.event(0, E.Connected, S.Established);
    c.event(0, E.Connected, S.Established);
    expect(c.violations.map((v) => v.split(' (recent')[0])).toEqual([
      't socket 0: CONREQ in ESTABLISHED', 't socket 0: DATA in phase opening', 't socket 0: DATA in SYN_RCVD (after the peer\'s FIN?)',
      't socket 0: CONNECTED in phase connected',
    ]);
  });

  it('rejects ACK, PARTIAL_ACK and REGENERATE with nothing sent since the last ACK', () => {
    const { c, sent } = checker();
    passiveOpen(c);
    c.event(0, E.Ack, S.Established);
    sent.n = 10;
    c.event(0, E.Ack, S.Established);
    c.event(0, E.PartialAck, S.Established);
    c.event(0, E.Regenerate, S.Established);
    expect(c.violations.map((v) => v.split(' (recent')[0])).toEqual([
      't socket 0: ACK with nothing outstanding', 't socket 0: PARTIAL_ACK with nothing outstanding', 't socket 0: REGENERATE with nothing outstanding',
    ]);
  });

  it('rejects a second CLOSE, DATA after the peer\'s FIN, and anything after CLOSED or ABORT', () => {
    const { c } = checker();
    passiveOpen(c);
    c.event(0, E.Close, S.Established);
    c.event(0, E.Close, S.Established);
    c.event(0, E.Data, S.CloseWait);
    c.event(0, E.Closed, S.Closed);
    c.event(0, E.Data, S.Closed);
    c.event(0, E.Abort, S.Closed);
    expect(c.violations.map((v) => v.split(' (recent')[0])).toEqual([
      't socket 0: second CLOSE in one connection', 't socket 0: DATA in CLOSE_WAIT (after the peer\'s FIN?)',
      't socket 0: DATA in phase ended', 't socket 0: DATA in CLOSED (after the peer\'s FIN?)', 't socket 0: ABORT in phase ended',
    ]);
  });

  it('accepts ABORT of an opening connection (SYN retries exhausted, or a reset SYN_RCVD back in LISTEN)', () => {
    const { c } = checker();
    c.stateChanged(0, S.Reserved, S.SynSent);
    c.event(0, E.ArpResolutionFailed, S.SynSent);
    c.stateChanged(0, S.SynSent, S.Closed);
    c.event(0, E.Abort, S.Closed);
    c.stateChanged(0, S.Closed, S.Listen);
    c.event(0, E.ConnectionRequest, S.Listen);
    c.stateChanged(0, S.Listen, S.SynReceived);
    c.stateChanged(0, S.SynReceived, S.Listen);
    c.event(0, E.Abort, S.Listen);
    expect(c.violations).toEqual([]);
  });
});
