/** manifest.json lists every module of src/ (regenerate with `node scripts/manifest.mjs`). */
import { spawnSync } from 'node:child_process';

test('manifest.json is up to date with src/', () => {
  const r = spawnSync(process.execPath, ['scripts/manifest.mjs', '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
