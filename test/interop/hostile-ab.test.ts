/**
 * Issue 11 item 1 over TAP: ApacheBench in the kernel's namespace with 20, 50 and 200
 * concurrent connections against the board's HTTP server (4 sockets) on a fixed-length
 * page. Every request completes: a SYN the board cannot take at once gets a SYN cookie
 * (docs/deviations.md) instead of a RST. Runs for Node here and for XS in xs-engine.test.ts.
 * The figures (requests/s, longest request) are logged for docs; nothing timed is asserted.
 */
import { spawnSync } from 'node:child_process';
import { BOARD_IP, describeIf, interopEngine, interopMissingReason, interopNamespace, runInNetns, startBoard, useInteropLifecycle } from './helpers.js';

const REQUESTS = 2000;
const PAGE = '/bytes/1000';

function abMissing(): string | undefined {
  return spawnSync('ab', ['-V'], { stdio: 'ignore', timeout: 10000 }).status === 0 ? undefined : 'ab is missing (apt-get install apache2-utils)';
}

/** The numbers of ab's report that the test checks. */
function abFigure(out: string, label: string): number | undefined {
  const m = new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(out);
  return m === null ? undefined : Number(m[1]);
}

describeIf(interopMissingReason() ?? abMissing(), 'interop: ab against the HTTP server, more clients than sockets (issue 11)', () => {
  const { namespaces, track } = useInteropLifecycle();

  it(`${REQUESTS} GETs at concurrency 20, 50 and 200 all complete, none refused`, async () => {
    const netns = interopNamespace(namespaces, 'ab');
    track(await startBoard(netns, ['--app', 'http']));
    const figures: string[] = [];
    for (const c of [20, 50, 200]) {
      // -r: keep going on errors so that every failure is counted; -s: a request may wait 30 s; -q: no progress lines on stderr.
      const ab = await runInNetns(netns, 'ab', ['-q', '-r', '-s', '30', '-n', String(REQUESTS), '-c', String(c), `http://${BOARD_IP}${PAGE}`], 90000);
      const complete = abFigure(ab.stdout, 'Complete requests');
      const failed = abFigure(ab.stdout, 'Failed requests');
      expect({ c, status: ab.status, complete, failed, non2xx: /Non-2xx/.test(ab.stdout), stderr: ab.stderr.trim() })
        .toEqual({ c, status: 0, complete: REQUESTS, failed: 0, non2xx: false, stderr: '' });
      expect(abFigure(ab.stdout, 'Document Length')).toBe(1000);
      const longest = /100%\s+(\d+)/.exec(ab.stdout)?.[1];
      figures.push(`-c ${c}: ${abFigure(ab.stdout, 'Requests per second')} req/s, longest ${longest} ms`);
    }
    console.log(`ab -n ${REQUESTS} ${PAGE} on ${interopEngine()}: ${figures.join('; ')}`);
  }, 300000);
});
