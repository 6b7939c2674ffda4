/**
 * The seam between the stack's byte work and a runtime's native helpers: the C of
 * targets/common/bytes_xs.c, which every XS runtime we build binds under the names
 * below (our XS host and the firmware through native(), Moddable through xsc). Engines
 * without them (V8) keep the JavaScript loops of checksum.ts and bytes.ts.
 */
import { copyBytes, setCopyAccelerator, type CopyAccelerator } from './bytes.js';
import { setHeaderNatives, type FrameReader, type Ipv4Writer, type TcpWriter } from './header-record.js';
import {
  onesComplementSum, setChecksumAccelerator, setCopyChecksumAccelerator,
  type ChecksumAccelerator, type CopyChecksumAccelerator,
} from './checksum.js';

/** Host function names of targets/common/bytes_xs.c. */
export const NATIVE_CHECKSUM = 'xs_xstcp_checksum';
export const NATIVE_COPY = 'xs_xstcp_copy';
export const NATIVE_COPY_CHECKSUM = 'xs_xstcp_copy_checksum';
/** Header reader and writer of targets/common/xstcp_headers.c (header-record.ts). */
export const NATIVE_READ_FRAME = 'xs_xstcp_read_frame';
export const NATIVE_WRITE_TCP = 'xs_xstcp_write_tcp';
export const NATIVE_WRITE_IPV4 = 'xs_xstcp_write_ipv4';

/**
 * Installs the helpers found through `lookup` (XS's `native`); a name it does not know
 * (it returns something other than a function, or throws) keeps that JavaScript path.
 * Returns how many were installed (six on runtimes built from targets/common).
 */
export function installByteNatives(lookup: (name: string) => unknown): number {
  const find = (name: string): unknown => {
    try {
      const fn = lookup(name);
      return typeof fn === 'function' ? fn : undefined;
    } catch {
      return undefined;
    }
  };
  const checksum = find(NATIVE_CHECKSUM) as ChecksumAccelerator | undefined;
  const copy = find(NATIVE_COPY) as CopyAccelerator | undefined;
  const copyChecksum = find(NATIVE_COPY_CHECKSUM) as CopyChecksumAccelerator | undefined;
  setChecksumAccelerator(checksum);
  setCopyAccelerator(copy);
  setCopyChecksumAccelerator(copyChecksum);
  const reader = find(NATIVE_READ_FRAME) as FrameReader | undefined;
  const tcp = find(NATIVE_WRITE_TCP) as TcpWriter | undefined;
  const ipv4 = find(NATIVE_WRITE_IPV4) as Ipv4Writer | undefined;
  setHeaderNatives(reader, tcp, ipv4);
  return [checksum, copy, copyChecksum, reader, tcp, ipv4].filter((fn) => fn !== undefined).length;
}

/** Back to the JavaScript loops (tests, and engines switching hosts in one realm). */
export function removeByteNatives(): void {
  setChecksumAccelerator(undefined);
  setCopyAccelerator(undefined);
  setCopyChecksumAccelerator(undefined);
  setHeaderNatives(undefined, undefined, undefined);
}

export { copyBytes, onesComplementSum };
