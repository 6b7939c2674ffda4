/**
 * Hands the stack the app's native checksum loop (checksum.c) through the accelerator
 * hook of src/net/wire/checksum.ts, as the XS host does with its own.
 */
import { setChecksumAccelerator, type ChecksumAccelerator } from 'xstcp/net/wire/checksum';

// XS 17's Native API: xsc binds native("name") to the C function at build time.
declare function native(name: string): unknown;

export function installNativeChecksum(): void {
  setChecksumAccelerator(native('xs_xstcp_checksum') as ChecksumAccelerator);
}
