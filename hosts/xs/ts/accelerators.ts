/**
 * Hands the stack the XS host's native helpers where it has hooks for them: today the
 * checksum summing loop (src/net/wire/checksum.ts). No-op on other engines.
 */
import { setChecksumAccelerator } from '../../../src/net/wire/checksum.js';

/** True when running on the xstcp XS host (xsHost present with its natives). */
export function onXsHost(): boolean {
  return typeof xsHost === 'object' && xsHost !== null && xsHost.engine === 'xs';
}

/** Installs the native checksum when on the XS host; returns whether it did. */
export function installXsAccelerators(): boolean {
  if (!onXsHost() || typeof xsHost.checksum !== 'function') return false;
  setChecksumAccelerator(xsHost.checksum);
  return true;
}
