/**
 * Hands the stack the XS host's native byte helpers (targets/common/bytes_xs.c, bound
 * by hosts/xs/src/native.c) through the seam of src/net/wire/natives.ts: the checksum
 * loop, block copies, and copy-and-checksum. No-op on other engines.
 */
import { installByteNatives } from '../../../src/net/wire/natives.js';

// XS 17's Native API, which hosts/xs/src/native.c provides as a global.
declare function native(name: string): unknown;

/** True when running on the xstcp XS host (xsHost present with its natives). */
export function onXsHost(): boolean {
  return typeof xsHost === 'object' && xsHost !== null && xsHost.engine === 'xs';
}

/** Installs the native helpers when on the XS host; returns whether it did. */
export function installXsAccelerators(): boolean {
  if (!onXsHost() || typeof native !== 'function') return false;
  return installByteNatives(native) === 6;
}
