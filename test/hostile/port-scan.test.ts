/**
 * Issue 11 item 4, a port scan: every combination of the eight TCP flag bits, sent to a
 * listening port and to a port nobody listens on, gets RFC 9293's answer (§3.10.7.1 CLOSED,
 * §3.10.7.2 LISTEN), written out here independently of the stack:
 *   CLOSED: RST → nothing; ACK → <SEQ=SEG.ACK><CTL=RST>; else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 *   LISTEN: RST → nothing; ACK → <SEQ=SEG.ACK><CTL=RST>; SYN → SYN+ACK acknowledging SEG.SEQ+1
 *           (FIN, PSH, URG, ECE, CWR beside it are not processed); anything else is dropped.
 */
import { emitTcp, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../src/net/wire/tcp.js';
import { LOCAL, PEER, TcpHarness } from '../tcp/harness.js';

const SEQ = 1000;
const ACK = 5000;

function probe(h: TcpHarness, flags: number, dstPort: number): void {
  const buf = new Uint8Array(60);
  const len = emitTcp({ srcPort: 40000, dstPort, seq: SEQ, ack: ACK, flags, window: 1024, urgent: 0, options: {} }, new Uint8Array(0), PEER, LOCAL, buf, 0);
  h.recvRaw(buf.subarray(0, len));
}

/** The answer RFC 9293 gives, as "FLAGS seq ack" ('' for none). */
function expected(flags: number, listening: boolean): string {
  if (flags & TCP_RST) return '';
  if (flags & TCP_ACK) return `R ${ACK} 0`;
  if (listening) return flags & TCP_SYN ? `SA * ${SEQ + 1}` : '';
  const len = (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0);
  return `RA 0 ${SEQ + len}`;
}

describe('port scan: all 256 flag combinations', () => {
  for (const listening of [true, false]) {
    test(`to a ${listening ? 'listening' : 'closed'} port`, () => {
      const wrong: string[] = [];
      for (let flags = 0; flags < 256; flags++) {
        const h = new TcpHarness();
        const s = h.socket();
        h.api.fnTCP_Listen(s, 80, 0);
        probe(h, flags, listening ? 80 : 81);
        const got = h.pending().map((x) => `${x.flags} ${x.flags === 'SA' ? '*' : x.seq} ${x.ack}`).join('; ');
        if (got !== expected(flags, listening)) wrong.push(`flags 0x${flags.toString(16)}: got "${got}", RFC "${expected(flags, listening)}"`);
        // Nothing but a SYN leaves the listener's state.
        const state = h.state(s);
        if (state !== (listening && expected(flags, true).startsWith('SA') ? 'SYN_RCVD' : 'LISTEN')) wrong.push(`flags 0x${flags.toString(16)}: state ${state}`);
      }
      expect(wrong).toEqual([]);
    });
  }
});
