import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapBuffer, readPcap } from '../../hosts/common/pcap.js';
import { PCAP_FILE_FLUSH_BYTES, PcapFile } from '../../hosts/node/pcap-file.js';
import { BROADCAST, mac, testFrame } from './frames.js';

const EPOCH = 1_700_000_000_000;

/** tshark is found when `tshark --version` runs. */
function tsharkAvailable(): boolean {
  const probe = spawnSync('tshark', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return probe.error === undefined && probe.status === 0;
}

/** `tshark -r FILE -T fields -e ...` as rows of columns (its "running as root" warning goes to stderr). */
function tsharkFields(file: string, fields: string[]): string[][] {
  const args = ['-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
  const run = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000 });
  if (run.error !== undefined || run.status !== 0) throw new Error(`tshark failed: ${run.error?.message ?? run.stderr}`);
  return run.stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xstcp-pcap-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Frames of varying length from three senders. */
const frames = [
  testFrame(mac(2), mac(1), 0, 60),
  testFrame(mac(1), mac(2), 1, 1514),
  testFrame(BROADCAST, mac(3), 2, 342),
  testFrame(mac(3), mac(1), 3, 99),
];

describe('PcapFile', () => {
  it('writes the same bytes as PcapBuffer, only once closed or flushed', () => {
    const path = join(dir, 'same.pcap');
    const file = new PcapFile(path, { epochMs: EPOCH });
    const buffer = new PcapBuffer({ epochMs: EPOCH });
    frames.forEach((f, i) => {
      file.write(i * 10.5, f);
      buffer.add(i * 10.5, f);
    });
    expect(statSync(path).size).toBe(0); // still buffered
    file.flush();
    expect(new Uint8Array(readFileSync(path))).toEqual(buffer.toBytes());
    file.write(100, frames[0]);
    buffer.add(100, frames[0]);
    file.close();
    file.close(); // idempotent
    file.write(200, frames[1]); // ignored after close
    expect(file.frameCount).toBe(5);
    expect(new Uint8Array(readFileSync(path))).toEqual(buffer.toBytes());
  });

  it('flushes by itself once 1 MiB has gathered', () => {
    const path = join(dir, 'big.pcap');
    const file = new PcapFile(path);
    const frame = testFrame(BROADCAST, mac(1), 0, 1514);
    const perRecord = 16 + 1514;
    const toFill = Math.ceil((PCAP_FILE_FLUSH_BYTES - 24) / perRecord) + 1;
    for (let i = 0; i < toFill; i++) file.write(i, frame);
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(PCAP_FILE_FLUSH_BYTES - perRecord);
    expect(size).toBeLessThanOrEqual(PCAP_FILE_FLUSH_BYTES);
    file.close();
    expect(statSync(path).size).toBe(24 + toFill * perRecord);
    expect(readPcap(new Uint8Array(readFileSync(path)))).toHaveLength(toFill);
  });
});

describe('PcapFile read by tshark', () => {
  const haveTshark = tsharkAvailable();
  if (!haveTshark && process.env.CI === undefined) {
    it.skip('SKIPPED: tshark is not installed (apt-get install -y tshark); on CI this test fails instead', () => {});
    return;
  }

  it('tshark is installed (required on CI)', () => {
    expect(haveTshark).toBe(true);
  });

  it.each([false, true])('tshark reads frame count, lengths, source MACs and times (nanosecond=%s)', (nanosecond) => {
    if (!haveTshark) throw new Error('tshark is not installed: apt-get install -y tshark');
    const path = join(dir, `read-${nanosecond ? 'ns' : 'us'}.pcap`);
    const file = new PcapFile(path, { epochMs: EPOCH, nanosecond });
    frames.forEach((f, i) => file.write(1000 * i + 234.5, f));
    file.close();
    expect(existsSync(path)).toBe(true);
    const rows = tsharkFields(path, ['frame.len', 'eth.src', 'frame.time_epoch']);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['60', '02:00:00:00:00:01'],
      ['1514', '02:00:00:00:00:02'],
      ['342', '02:00:00:00:00:03'],
      ['99', '02:00:00:00:00:01'],
    ]);
    // 1 700 000 000 s + i s + 234.5 ms
    expect(rows.map((r) => r[2])).toEqual([
      '1700000000.234500000',
      '1700000001.234500000',
      '1700000002.234500000',
      '1700000003.234500000',
    ]);
  });
});
