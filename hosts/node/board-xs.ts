/**
 * `xstcp board --engine xs`: the same board on our XS host (hosts/xs), a child process
 * running dist/hosts/xs/ts/board-entry.js with the same arguments. The debug build (with
 * the xsbug connection) is used when --xsbug is given. Signals (INT, TERM, USR2) are passed on; the exit
 * code is the child's.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BoardArgs } from '../common/cli-args.js';
import { packageRoot } from './package-root.js';

export async function runBoardOnXs(args: BoardArgs, boardArgv: string[]): Promise<number> {
  const root = packageRoot(join('hosts', 'xs', 'build.mjs'));
  if (root === undefined) {
    process.stderr.write('xstcp: cannot find hosts/xs (run from the xstcp package)\n');
    return 1;
  }
  const goal = args.xsbug ? 'debug' : 'release';
  const build = await import(join(root, 'hosts', 'xs', 'build.mjs')) as { buildGoal(goal: string, o?: object): Promise<unknown>; binaryPath(goal: string): string };
  try {
    await build.buildGoal(goal, { jobs: 2 });
  } catch (error) {
    process.stderr.write(`xstcp: building the XS host failed: ${(error as Error).message}\n`);
    return 1;
  }
  const hostArgs = [...(args.xsbug ? ['--xsbug', args.xsbug] : []), ...(args.memory ? ['--memory'] : [])];
  const entry = join(root, 'dist', 'hosts', 'xs', 'ts', 'board-entry.js');
  const child = spawn(build.binaryPath(goal), [...hostArgs, entry, ...boardArgv], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  const onUsr2 = forward('SIGUSR2');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('SIGUSR2', onUsr2);
  return new Promise((resolveExit) => {
    child.once('error', (error) => {
      process.stderr.write(`xstcp: cannot start the XS host: ${error.message}\n`);
      resolveExit(1);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGUSR2', onUsr2);
      resolveExit(code ?? (signal ? 1 : 0));
    });
  });
}
