/**
 * The byte patterns the apps generate block by block: `/bytes/N` (byte i = i % 251) and
 * RFC 864's chargen lines, at any offset and block size; and the response framing.
 */
import fc from 'fast-check';
import { HttpResponse, errorResponse, patternBody } from '../../src/apps/http-response.js';
import { CHARGEN_LINE_BYTES, chargenByte, fillChargen } from '../../src/apps/chargen.js';
import { renderStatusPage } from '../../src/apps/status-page.js';
import { TcpState } from '../../src/net/tcp/types.js';
import { ascii, text } from '../../hosts/sim/tcp-client.js';

/** RFC 864: the 95 printing characters in order, as a ring; line N holds ring[N .. N+71], then CR LF. */
const RING = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
function rfcLine(n: number): string {
  let s = '';
  for (let j = 0; j < 72; j++) s += RING[(n + j) % 95];
  return `${s}\r\n`;
}

describe('the /bytes/N pattern', () => {
  it('is i % 251 at any offset, in any block size', () => {
    fc.assert(fc.property(fc.nat(10_000_000), fc.integer({ min: 0, max: 3000 }), (offset, n) => {
      const out = new Uint8Array(n + 2).fill(0xee);
      patternBody(offset + n).copy(offset, out, 1, n);
      expect(out[0]).toBe(0xee);
      expect(out[n + 1]).toBe(0xee);
      for (let i = 0; i < n; i++) if (out[1 + i] !== (offset + i) % 251) throw new Error(`byte ${offset + i}`);
    }), { numRuns: 200 });
  });

  it('wraps after 250: bytes 249..253 are 249, 250, 0, 1, 2', () => {
    const out = new Uint8Array(5);
    patternBody(1000).copy(249, out, 0, 5);
    expect([...out]).toEqual([249, 250, 0, 1, 2]);
  });
});

describe('HttpResponse', () => {
  it('is the header block then the body, readable in any slices', () => {
    const r = new HttpResponse(200, 'application/octet-stream', patternBody(300));
    const head = 'HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 300\r\nConnection: close\r\n\r\n';
    expect(text(r.head)).toBe(head);
    expect(r.length).toBe(head.length + 300);
    const whole = new Uint8Array(r.length);
    for (let at = 0; at < r.length; at += 37) r.copy(at, whole, at, Math.min(37, r.length - at));
    expect(text(whole.subarray(0, head.length))).toBe(head);
    for (let i = 0; i < 300; i++) expect(whole[head.length + i]).toBe(i % 251);
  });

  it('405 names the allowed method', () => {
    expect(text(errorResponse(405, 'PUT').head)).toContain('HTTP/1.0 405 Method Not Allowed\r\n');
    expect(text(errorResponse(405, 'PUT').head)).toContain('\r\nAllow: GET\r\n');
    expect(text(errorResponse(404, 'x').head)).toMatch(/^HTTP\/1\.0 404 Not Found\r\n/);
    expect(text(errorResponse(400, 'x').head)).toMatch(/^HTTP\/1\.0 400 Bad Request\r\n/);
  });
});

describe('the chargen pattern (RFC 864)', () => {
  it('line 1 is the line RFC 864 prints, line 0 starts with a space', () => {
    const out = new Uint8Array(2 * CHARGEN_LINE_BYTES);
    fillChargen(0, out, 0, out.length);
    expect(text(out.subarray(0, 74))).toBe(` !"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\`abcdefg\r\n`);
    expect(text(out.subarray(74))).toBe(`!"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\`abcdefgh\r\n`);
  });

  it('matches the RFC description for 200 lines (a full turn of the ring and more)', () => {
    const out = new Uint8Array(200 * 74);
    fillChargen(0, out, 0, out.length);
    let expected = '';
    for (let n = 0; n < 200; n++) expected += rfcLine(n);
    expect(text(out)).toBe(expected);
  });

  it('gives the same bytes from any starting position as chargenByte', () => {
    fc.assert(fc.property(fc.nat(50_000_000), fc.integer({ min: 1, max: 3000 }), (position, n) => {
      const out = new Uint8Array(n);
      fillChargen(position, out, 0, n);
      for (let i = 0; i < n; i++) if (out[i] !== chargenByte(position + i)) throw new Error(`position ${position + i}`);
    }), { numRuns: 200 });
    const line = 123_456;
    expect(text(Uint8Array.from({ length: 74 }, (_, i) => chargenByte(line * 74 + i)))).toBe(rfcLine(line));
  });
});

describe('the status page', () => {
  it('has a row per socket with state name, port, peer and counters', () => {
    const html = renderStatusPage([
      { socket: 0, state: TcpState.Established, stateName: 'ESTABLISHED', localPort: 80, peerAddress: 0xc6120001, peerPort: 49999, bytesIn: 60, bytesOut: 1234, retransmissions: 2 },
      { socket: 1, state: TcpState.Listen, stateName: 'LISTEN', localPort: 80, peerAddress: 0, peerPort: 0, bytesIn: 0, bytesOut: 0, retransmissions: 0 },
    ], { title: 'board <1>' });
    expect(html).toContain('<tr><td>0</td><td>ESTABLISHED</td><td>80</td><td>198.18.0.1:49999</td><td>60</td><td>1234</td><td>2</td></tr>');
    expect(html).toContain('<tr><td>1</td><td>LISTEN</td><td>80</td><td>-</td><td>0</td><td>0</td><td>0</td></tr>');
    expect(html).toContain('<title>board &#60;1&#62;</title>');
    expect(ascii(html).every((c) => c < 0x80)).toBe(true);
  });
});
