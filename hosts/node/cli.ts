/**
 * The `xstcp` command: `board` runs the stack on a TAP device, `demo` shows it working.
 * Bad arguments print a message and exit with code 2.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs, USAGE, type DemoArgs } from './cli-args.js';
import { runSimDemo } from '../sim/demo.js';

function demo(args: DemoArgs): number {
  const result = runSimDemo({ print: (line) => process.stdout.write(`${line}\n`) });
  if (args.pcap) {
    writeFileSync(args.pcap, result.pcap);
    process.stdout.write(`capture written to ${args.pcap} (read it with: tshark -r ${args.pcap})\n`);
  }
  return result.pingReplies > 0 ? 0 : 1;
}

export function main(argv: string[]): number {
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
      process.stderr.write('xstcp: the board command needs the TAP host, which is not built yet\n');
      return 1;
  }
}
