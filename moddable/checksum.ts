/**
 * Hands the stack the native byte helpers (targets/common/bytes_xs.c: checksum loop,
 * block copy, copy-and-checksum, header reader and writers) through the seam of
 * src/net/wire/natives.ts, as the XS host does with the same C.
 */
import { installByteNatives } from 'xstcp/net/wire/natives';

// XS 17's Native API: xsc binds native("name") to the C function at build time, so every
// name is written out here.
declare function native(name: string): unknown;

export function installNativeChecksum(): void {
  const natives: Record<string, unknown> = {
    xs_xstcp_checksum: native('xs_xstcp_checksum'),
    xs_xstcp_copy: native('xs_xstcp_copy'),
    xs_xstcp_copy_checksum: native('xs_xstcp_copy_checksum'),
    xs_xstcp_read_frame: native('xs_xstcp_read_frame'),
    xs_xstcp_write_tcp: native('xs_xstcp_write_tcp'),
    xs_xstcp_write_ipv4: native('xs_xstcp_write_ipv4'),
  };
  installByteNatives((name) => natives[name]);
}
