import { parseArgs, type BoardArgs } from '../../hosts/common/cli-args.js';

const board = (...extra: string[]) => parseArgs(['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', ...extra]);

describe('xstcp board arguments', () => {
  it('accepts the documented options', () => {
    const r = board('--gateway', '198.18.0.1', '--mac', '02:00:00:00:00:07', '--app', 'http,echo,discard,chargen', '--sockets', '8',
      '--msl', '2', '--reuse-time-wait', 'off', '--trace', '--pcap', 'x.pcap', '--engine', 'node');
    expect(r.ok).toBe(true);
    const a = (r as { args: BoardArgs }).args;
    expect(a).toMatchObject({ tap: 'tap0', address: 0xc6120002, prefixLength: 24, netmask: 0xffffff00, gateway: 0xc6120001,
      apps: ['http', 'echo', 'discard', 'chargen'], sockets: 8, mslSeconds: 2, reuseTimeWait: false, trace: true, pcap: 'x.pcap', engine: 'node' });
    expect(Array.from(a.mac)).toEqual([2, 0, 0, 0, 0, 7]);
  });

  it('defaults to the HTTP app, MAC 02:00:00:00:00:02, no trace', () => {
    const r = board();
    expect(r).toMatchObject({ ok: true, args: { apps: ['http'], trace: false, engine: 'node' } });
  });

  it('parses --impair and --retries (seeded loss, duplication and reordering both ways)', () => {
    expect(board('--impair', 'loss=0.1,duplicate=0.05,reorder=0.2,delay=3,seed=7', '--retries', '20')).toMatchObject({
      ok: true, args: { impair: { seed: 7, link: { loss: 0.1, duplicate: 0.05, reorder: 0.2, reorderDelayMs: 3 } }, retries: 20 },
    });
  });

  it('accepts --impair on the XS engine too', () => {
    expect(board('--engine', 'xs', '--impair', 'loss=0.3,seed=9')).toMatchObject({ ok: true, args: { engine: 'xs', impair: { seed: 9, link: { loss: 0.3 } } } });
  });

  it.each(['node', 'xs', 'moddable'])('accepts --engine %s', (engine) => {
    expect(board('--engine', engine)).toMatchObject({ ok: true, args: { engine } });
  });

  it.each([
    [['board', '--ip', '198.18.0.2/24'], /--tap NAME is required/],
    [['board', '--tap', 'tap0'], /--ip .* is required/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2'], /prefix length/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.300/24'], /--ip/],
    [['board', '--tap', 'a-name-far-too-long-for-linux', '--ip', '198.18.0.2/24'], /not a valid interface name/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--gateway', '10.0.0.1'], /is not in 198.18.0.0\/24/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--mac', '01:00:5e:00:00:01'], /unicast MAC/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--app', 'http,ftp'], /unknown app 'ftp'/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--sockets', '0'], /between 1 and 63/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--sockets', 'many'], /whole number/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--msl', '-1'], /--msl/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--reuse-time-wait', 'yes'], /on or off/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--engine', 'v8'], /--engine must be node, xs, moddable, qemu, got 'v8'/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--bogus'], /unknown option --bogus/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--trace=yes'], /takes no value/],
    [['board', '--tap', 'tap0', '--tap', 'tap1', '--ip', '198.18.0.2/24'], /given twice/],
    [['board', '--tap'], /needs a value/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--impair', 'loss=1.5'], /--impair: loss must be a probability/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--impair', 'jitter=3'], /--impair: unknown key 'jitter'/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--impair', 'loss'], /--impair: 'loss' is not KEY=NUMBER/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--engine', 'moddable', '--impair', 'loss=0.1'], /--impair works with --engine node or xs only/],
    [['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--retries', '0'], /--retries must be between 1 and 255/],
    [['board', 'stray'], /unexpected argument/],
    [['fly'], /unknown command 'fly'/],
    [[], /a command is required/],
  ])('rejects %j with a clear message', (argv, message) => {
    const r = parseArgs(argv as string[]);
    expect(r.ok).toBe(false);
    expect((r as { error: string }).error).toMatch(message);
  });
});

describe('xstcp demo arguments', () => {
  it('parses --sim, --once and --pcap', () => {
    expect(parseArgs(['demo'])).toEqual({ ok: true, args: { command: 'demo', sim: false, once: false, pcap: undefined } });
    expect(parseArgs(['demo', '--sim', '--once', '--pcap', 'd.pcap'])).toEqual({ ok: true, args: { command: 'demo', sim: true, once: true, pcap: 'd.pcap' } });
    expect(parseArgs(['demo', '--fast']).ok).toBe(false);
  });
});
