/**
 * The `xstcp` command: `board` runs the stack on a TAP device, `demo` shows it working.
 * Bad arguments print a message and exit with code 2.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs, USAGE, type DemoArgs } from '../common/cli-args.js';
import { runSimDemo } from '../sim/demo.js';
import { runBoardOnNode } from './board-node.js';
import { runBoardOnXs } from './board-xs.js';
import { runBoardOnModdable } from './board-moddable.js';
import { runBoardOnQemu } from './board-qemu.js';
import { runTapDemo, tapUnavailableReason } from './demo-tap.js';

function demo(args: DemoArgs): number | Promise<number> {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const reason = args.sim ? 'asked for with --sim' : tapUnavailableReason();
  if (reason === undefined) return runTapDemo({ once: args.once, pcap: args.pcap, print });
  print(`running on the simulated LAN instead of a TAP device: ${reason}`);
  const result = runSimDemo({ print });
  if (args.pcap) {
    writeFileSync(args.pcap, result.pcap);
    process.stdout.write(`capture written to ${args.pcap} (read it with: tshark -r ${args.pcap})\n`);
  }
  return result.pingReplies > 0 && result.scenarioOk ? 0 : 1;
}

export function main(argv: string[]): number | Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`xstcp: ${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  const { args } = parsed;
  switch (args.command) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'demo':
      return demo(args);
    case 'board':
      if (args.engine === 'xs') return runBoardOnXs(args, argv.slice(1));
      if (args.engine === 'moddable') return runBoardOnModdable(args);
      if (args.engine === 'qemu') return runBoardOnQemu(args);
      return runBoardOnNode(args);
  }
}
