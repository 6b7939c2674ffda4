/**
 * `xstcp board --engine xs`: the same board on our XS host (hosts/xs), a child process
 * running dist/hosts/xs/ts/board-entry.js with the same arguments. The debug build (with
 * the xsbug connection) is used when --xsbug is given. Signals are passed on; the exit
 * code is the child's.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import type { BoardArgs } from '../common/cli-args.js';

/** The package root: where hosts/xs/build.mjs is, walking up from the running script. */
export function packageRoot(): string | undefined {
  let dir = dirname(resolve(process.argv[1] ?? '.'));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'hosts', 'xs', 'build.mjs'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return existsSync(join(process.cwd(), 'hosts', 'xs', 'build.mjs')) ? process.cwd() : undefined;
}

export async function runBoardOnXs(args: BoardArgs, boardArgv: string[]): Promise<number> {
  const root = packageRoot();
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
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolveExit) => {
    child.once('error', (error) => {
      process.stderr.write(`xstcp: cannot start the XS host: ${error.message}\n`);
      resolveExit(1);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolveExit(code ?? (signal ? 1 : 0));
    });
  });
}
