/**
 * The hot-path bench of the XS host (hosts/xs/ts/hotpath-bench.ts, `--measure none`) on
 * Moddable's XS 17 in the simulator: one board against the scripted peer of
 * hosts/xs/ts/scripted-transfer.ts, the native byte helpers installed as the product app
 * installs them, `warmup` segments, then `segments` more inside the native marker that
 * callgrind counts (measured.c). Config: mode (receive|send), segments, warmup.
 *
 * Prints one line and ends the simulator: `{"engine":"moddable",...}` (what moved) with
 * exit code 0, or `hotpath: <why>` with 1 (a short run) or 2 (bad config).
 */
import config from 'mc/config';
import { hotPathOptions, moveSegments, preparedTransfer } from 'xstcp/hosts/xs/ts/hotpath-run';
import { installNativeChecksum } from 'xstcp/moddable/checksum';

// XS 17's Native API: bound by xsc to measured.c's functions at build time.
declare function native(name: string): unknown;
const measured = native('xs_xstcp_hotpath_measured') as (run: () => void) => void;
const exit = native('xs_xstcp_hotpath_exit') as (code: number) => never;

function main(): number {
  const settings = config as Record<string, unknown>;
  const options = hotPathOptions((name) => (settings[name] === undefined ? undefined : String(settings[name])));
  if (typeof options === 'string') {
    trace(`hotpath: ${options}\n`);
    return 2;
  }
  installNativeChecksum();
  const moved = moveSegments(preparedTransfer(options), options, measured);
  if (typeof moved === 'string') {
    trace(`hotpath: ${moved}\n`);
    return 1;
  }
  trace(`${JSON.stringify({ engine: 'moddable', ...moved })}\n`);
  return 0;
}

exit(main());
