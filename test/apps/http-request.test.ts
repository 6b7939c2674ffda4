/**
 * The request-head parser (RFC 9112 §2-§5): what is a complete, incomplete or malformed
 * head, split at every possible byte.
 */
import fc from 'fast-check';
import { parseRequestHead } from '../../src/apps/http-request.js';
import { ascii } from '../../hosts/sim/tcp-client.js';

const parse = (s: string) => {
  const b = ascii(s);
  return parseRequestHead(b, b.length);
};

describe('parseRequestHead', () => {
  it('reads method, path and version of a complete head', () => {
    expect(parse('GET /bytes/10 HTTP/1.0\r\nHost: a\r\n\r\n')).toEqual({ kind: 'request', method: 'GET', path: '/bytes/10', version: '1.0' });
    expect(parse('GET / HTTP/1.1\r\n\r\n')).toEqual({ kind: 'request', method: 'GET', path: '/', version: '1.1' });
    expect(parse('POST /x HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc')).toEqual({ kind: 'request', method: 'POST', path: '/x', version: '1.0' });
  });

  it('drops the query and accepts the absolute form and bare LF line ends', () => {
    expect(parse('GET /bytes/5?x=1 HTTP/1.0\r\n\r\n')).toMatchObject({ kind: 'request', path: '/bytes/5' });
    expect(parse('GET http://198.18.0.2/bytes/7 HTTP/1.1\r\n\r\n')).toMatchObject({ kind: 'request', path: '/bytes/7' });
    expect(parse('GET http://198.18.0.2 HTTP/1.1\r\n\r\n')).toMatchObject({ kind: 'request', path: '/' });
    expect(parse('GET / HTTP/1.0\nHost: a\n\n')).toMatchObject({ kind: 'request', path: '/' });
  });

  it('waits for the blank line, and for the rest of a request line', () => {
    expect(parse('')).toEqual({ kind: 'incomplete' });
    expect(parse('GE')).toEqual({ kind: 'incomplete' });
    expect(parse('GET /by')).toEqual({ kind: 'incomplete' });
    expect(parse('GET / HTTP/1.0\r\n')).toEqual({ kind: 'incomplete' });
    expect(parse('GET / HTTP/1.0\r\nHost: a\r\n')).toEqual({ kind: 'incomplete' });
    expect(parse('GET / HTTP/1.0\r\nHost: a\r\n\r')).toEqual({ kind: 'incomplete' });
  });

  it.each([
    ['no target', 'GET HTTP/1.0\r\n\r\n'],
    ['HTTP/0.9 request line', 'GET /\r\n\r\n'],
    ['unknown version', 'GET / HTTP/2.0\r\n\r\n'],
    ['lower-case version', 'GET / http/1.0\r\n\r\n'],
    ['two spaces', 'GET  / HTTP/1.0\r\n\r\n'],
    ['target not a path', 'GET bytes HTTP/1.0\r\n\r\n'],
    ['header without colon', 'GET / HTTP/1.0\r\nHost a\r\n\r\n'],
    ['space before colon', 'GET / HTTP/1.0\r\nHost : a\r\n\r\n'],
    ['obsolete folding', 'GET / HTTP/1.0\r\nA: b\r\n c\r\n\r\n'],
    ['control character in a value', 'GET / HTTP/1.0\r\nA: b\x01\r\n\r\n'],
    ['binary garbage', '\x16\x03\x01\x02\x00'],
    ['method too long', 'ABCDEFGHIJKLMNOPQ / HTTP/1.0\r\n\r\n'],
  ])('malformed: %s', (_name, request) => {
    expect(parse(request).kind).toBe('malformed');
  });

  it('reports a bad request line at once, without waiting for the headers', () => {
    expect(parse('GET / HTTP/9\r\nHost:').kind).toBe('malformed');
    expect(parse('<html>').kind).toBe('malformed');
  });

  it('gives the same verdict for a head however it is cut, once all of it is there', () => {
    const heads = [
      'GET /bytes/100000 HTTP/1.0\r\nHost: board\r\nUser-Agent: x\r\n\r\n',
      'GET / HTTP/1.1\r\n\r\n',
      'GET / HTTP/1.0\r\nBad Header\r\n\r\n',
      'PUT /a HTTP/1.0\r\n\r\n',
    ];
    fc.assert(fc.property(fc.constantFrom(...heads), fc.nat(), (head, cutSeed) => {
      const b = ascii(head);
      const cut = cutSeed % b.length;
      const whole = parseRequestHead(b, b.length);
      const prefix = parseRequestHead(b, cut);
      // A prefix is either still incomplete or already has the final verdict (never a different one).
      if (prefix.kind !== 'incomplete') expect(prefix).toEqual(whole);
      expect(whole.kind).not.toBe('incomplete');
    }), { numRuns: 300 });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      const r = parseRequestHead(b, b.length);
      expect(['incomplete', 'request', 'malformed']).toContain(r.kind);
    }), { numRuns: 500 });
  });
});
