/**
 * Issue 11 item 2 over TAP: a SYN flood from spoofed on-link sources
 * (fixtures/syn-flood.py, 2,000 SYNs/s) while curl fetches a page every 0.5 s from the
 * kernel's side. Every fetch is served (SYN cookies, docs/deviations.md); afterwards the
 * board's sockets hold nothing but the HTTP listeners and the flood's own half-open
 * connections, which time out. CI floods for 3 s; XSTCP_FLOOD_FULL=1 runs the issue's
 * 20,000 SYNs over 10 s. Runs for Node here and for XS in xs-engine.test.ts. Service times
 * are logged for docs, not asserted beyond "within the curl limit".
 */
import { join } from 'node:path';
import { BOARD_IP, describeIf, interopEngine, interopMissingReason, interopNamespace, REPO_ROOT, runInNetns, startBoard, statusPage, TAP_DEVICE, useInteropLifecycle } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const FLOOD = join(REPO_ROOT, 'test', 'interop', 'fixtures', 'syn-flood.py');
const RATE = 2000;
const SECONDS = process.env.XSTCP_FLOOD_FULL === '1' ? 10 : 3;
/** The board's MAC (the CLI's default). */
const BOARD_MAC = '02:00:00:00:00:02';
/** A fetch slower than this fails: "served within seconds". */
const CURL_LIMIT_S = 8;

interface Fetch { status: number | null; code: string; seconds: number }

async function fetchOnce(netns: string): Promise<Fetch> {
  const r = await runInNetns(netns, 'curl', ['-sS', '-m', String(CURL_LIMIT_S), '-o', '/dev/null', '-w', '%{http_code} %{time_total}', `http://${BOARD_IP}/bytes/1000`], (CURL_LIMIT_S + 5) * 1000);
  const [code, t] = r.stdout.trim().split(' ');
  return { status: r.status, code: code ?? '', seconds: Number(t) };
}

describeIf(interopMissingReason(['curl']), 'interop: a real client during a SYN flood (issue 11)', () => {
  const { namespaces, track } = useInteropLifecycle();

  it(`curl is served every 0.5 s during ${RATE * SECONDS} spoofed SYNs over ${SECONDS} s`, async () => {
    const netns = interopNamespace(namespaces, 'flood');
    track(await startBoard(netns, ['--app', 'http']));
    expect((await fetchOnce(netns)).code).toBe('200');
    let flooding = true;
    const flood = runInNetns(netns, PYTHON, [FLOOD, TAP_DEVICE, BOARD_MAC, BOARD_IP, '80', String(RATE), String(SECONDS), '11'], (SECONDS + 20) * 1000)
      .finally(() => { flooding = false; });
    const fetches: Fetch[] = [];
    const started = Date.now();
    // Bounded: one fetch per 0.5 s while the flood runs, at most 4 per flood second.
    while ((flooding || fetches.length < 2) && fetches.length < SECONDS * 4 + 4 && Date.now() - started < (SECONDS + 30) * 1000) {
      const tick = Date.now();
      fetches.push(await fetchOnce(netns));
      await new Promise((wake) => setTimeout(wake, Math.max(0, 500 - (Date.now() - tick))));
    }
    const sent = await flood;
    expect({ status: sent.status, stderr: sent.stderr }).toEqual({ status: 0, stderr: '' });
    expect(Number(sent.stdout.trim())).toBe(RATE * SECONDS);
    const times = fetches.map((f) => f.seconds);
    console.log(`SYN flood ${RATE}/s for ${SECONDS} s on ${interopEngine()}: ${fetches.length} fetches, service times ${times.map((t) => t.toFixed(2)).join(' ')} s`);
    expect(fetches.filter((f) => f.status !== 0 || f.code !== '200')).toEqual([]);
    // Afterwards: the HTTP sockets listen, serve this request, or hold a flood's half-open connection.
    const table = await statusPage(netns);
    const http = table.rows.filter((r) => r.localPort === 80);
    expect(http.filter((r) => !['LISTEN', 'SYN_RCVD', 'ESTABLISHED'].includes(r.state))).toEqual([]);
    expect(http.filter((r) => r.state === 'ESTABLISHED').map((r) => r.peer.split(':')[0])).toEqual(['198.18.0.1']);
  }, 120000);
});
