/**
 * Issue 10's TCP fixes on a real TAP device against a scripted peer on the kernel's side
 * (fixtures/scripted-peer.py, Debian's python3-scapy under /usr/bin/python3): segments the
 * kernel's own TCP would never send in that order. The kernel's RSTs for the peer's port
 * are dropped with nft in the test's namespace. Runs for the Node engine here and for XS
 * in xs-engine.test.ts.
 *
 * - simultaneous close: the ACK of the last byte carries the peer's FIN; the board's FIN
 *   (sent from its TCP_EVENT_ACK callback) acknowledges it, in one segment;
 * - zero window for 75 s with every probe answered: no abort; once the window opens,
 *   sending resumes within a second;
 * - an out-of-order FIN is acknowledged as soon as the gap before it fills;
 * - data under an ACK below SND.UNA − MAX.SND.WND is not delivered (challenge ACK).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  BOARD_IP,
  describeIf,
  interopMissingReason,
  interopNamespace,
  nft,
  REPO_ROOT,
  runInNetns,
  startBoard,
  TAP_DEVICE,
  useInteropLifecycle,
} from './helpers.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO_ROOT, 'test', 'interop', 'fixtures', 'scripted-peer.py');
const PEER_PORT = 45000;

function scapyMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import scapy.all'], { stdio: 'ignore', timeout: 30000 });
  return r.status === 0 ? undefined : 'scapy is missing (apt-get install python3-scapy)';
}

interface Seen {
  t: number;
  flags: string;
  seq: number;
  ack: number;
  win: number;
  len: number;
}

function missingReason(): string | undefined {
  return interopMissingReason(['nft']) ?? scapyMissing();
}

describeIf(missingReason(), 'interop: issue 10 fixes against a scripted peer (scapy)', () => {
  const { namespaces, track } = useInteropLifecycle();

  /** A namespace with the board (http, echo) and the kernel's RSTs to the board dropped. */
  async function setUp(tag: string): Promise<string> {
    const netns = interopNamespace(namespaces, tag);
    nft(netns, `table ip xstcp_scripted {
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr ${BOARD_IP} tcp sport ${PEER_PORT} tcp flags & rst == rst drop
  }
}
`);
    track(await startBoard(netns, ['--app', 'http,echo']));
    return netns;
  }

  async function scenario(netns: string, mode: string, limitMs: number, extra: string[] = []): Promise<Record<string, unknown>> {
    const r = await runInNetns(netns, PYTHON, [SCRIPT, mode, BOARD_IP, TAP_DEVICE, String(PEER_PORT), ...extra], limitMs);
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    let result: Record<string, unknown>;
    try {
      result = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`scripted peer ${mode}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    }
    expect(result.problem).toBeNull();
    return result;
  }

  it('simultaneous close: the board\'s FIN acknowledges the peer\'s FIN that came with the last ACK, in one segment', async () => {
    const netns = await setUp('simclose');
    const r = await scenario(netns, 'simultaneous-close', 30000);
    const finSeq = r.finSeq as number;
    const after = r.after as Seen[];
    // The first segment after our FIN is the board's FIN, acknowledging ours: no bare ACK first.
    expect(after.length).toBeGreaterThan(0);
    expect(after[0].flags).toBe('FA');
    expect(after[0].ack).toBe((finSeq + 1) >>> 0);
  }, 60000);

  it('zero window for 75 s with every probe answered: no abort; sending resumes within a second of the window opening', async () => {
    const netns = await setUp('zerowin');
    const r = await scenario(netns, 'zero-window', 120000, ['75']);
    expect(r.resets).toBe(0);
    expect(r.probes as number).toBeGreaterThan(0);
    expect(r.resumeMs).not.toBeNull();
    expect(r.resumeMs as number).toBeLessThan(1000);
    console.log(`interop (${process.env.XSTCP_INTEROP_ENGINE ?? 'node'}): ${String(r.probes)} probes answered in 75 s; resumed ${String(r.resumeMs)} ms after the window opened`);
  }, 150000);

  it('an out-of-order FIN is acknowledged as soon as the gap before it fills', async () => {
    const netns = await setUp('ooofin');
    const r = await scenario(netns, 'ooo-fin', 30000);
    expect(r.dupAck).toBe(r.start); // the duplicate ACK points at the gap
    expect(r.finAckedMs).not.toBeNull();
    expect(r.finAckedMs as number).toBeLessThan(1000);
  }, 60000);

  it('data under an ACK below SND.UNA − MAX.SND.WND is not delivered; a challenge ACK answers it', async () => {
    const netns = await setUp('oldack');
    const r = await scenario(netns, 'old-ack', 30000);
    expect(r.challengeAck).toBe(r.start); // our 'evil' was not taken
    expect(r.echoed).toBe('good');
  }, 60000);
});
