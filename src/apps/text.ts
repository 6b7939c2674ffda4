/**
 * ASCII text helpers for the applications. The engine-neutral build has no TextEncoder
 * (it is a Web API, not ES2022), and everything the apps write is ASCII anyway.
 */

/** `text` as bytes; a character outside ASCII becomes '?'. */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c < 0x80 ? c : 0x3f;
  }
  return out;
}

/** Bytes [start, end) as a string, one character per byte. */
export function bytesToAscii(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** An IPv4 address (u32) in dotted-decimal form. */
export function formatIpv4(address: number): string {
  const a = address >>> 0;
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/**
 * The characters HTML gives a meaning to, escaped as `&#N;`. A loop, not a replace()
 * callback: the page is rendered from a listener, at the deepest point of the XS stack.
 */
export function escapeHtml(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x27) {
      out += `${text.slice(from, i)}&#${c};`;
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}
