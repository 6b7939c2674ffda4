/**
 * The xsbug side `xstcp board --engine moddable` speaks: a fake XS machine (a TCP client
 * sending what xsDebug.c sends) logs in, traces, reports an exception, sends
 * instrumentation and stops at a break; the listener must answer <go/> at login and at
 * the break, and hand over the unescaped text, the exception's place and the peaks.
 */
import { connect, type Socket } from 'node:net';
import { unescapeXml, XsbugListener, type XsbugLog } from '../../hosts/node/xsbug-listener.js';

function envelope(body: string): string {
  return `\r\n<xsbug>${body}</xsbug>\r\n`;
}

/** Collects what the listener writes back to the machine. */
function machine(port: number): Promise<{ socket: Socket; received: () => string; waitFor: (text: string, count: number) => Promise<void> }> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => {
      resolve({
        socket,
        received: () => received,
        waitFor: async (text, count) => {
          const deadline = Date.now() + 5000;
          while (received.split(text).length - 1 < count) {
            if (Date.now() > deadline) throw new Error(`no ${count} x ${text} in ${JSON.stringify(received)}`);
            await new Promise((r) => setTimeout(r, 10));
          }
        },
      });
    });
    socket.setEncoding('utf8').on('data', (d: string) => {
      received += d;
    });
    socket.once('error', reject);
  });
}

describe('xsbug listener', () => {
  it('unescapes what xsDebug.c escapes', () => {
    expect(unescapeXml('{&#x22;t&#x22;:1,&quot;a&amp;b&lt;c&gt;&apos;&#34;}')).toBe(`{"t":1,"a&b<c>'"}`);
  });

  it('lets a machine go at login and at a break, and hands over logs, exceptions and instrument peaks', async () => {
    const logs: XsbugLog[] = [];
    const logins: string[] = [];
    const breaks: string[] = [];
    const listener = new XsbugListener({
      onLog: (log) => logs.push(log),
      onLogin: (name) => logins.push(name),
      onBreak: (message, path, line, frames) => breaks.push(`${path}:${line} ${message} [${frames.join(' < ')}]`),
    });
    const port = await listener.listen();
    const m = await machine(port);
    try {
      m.socket.write(envelope('<login name="main" value="XS"/>'));
      await m.waitFor('<go/>', 1);
      expect(logins).toEqual(['main']);
      expect(m.received()).toContain('<set-all-breakpoints><breakpoint path="exceptions" line="0"/></set-all-breakpoints>');

      // A trace line split across writes, and two messages in one write.
      const line = envelope('<log>{&#x22;t&#x22;:5,&#x22;socket&#x22;:1}\n</log>');
      m.socket.write(line.slice(0, 20));
      await new Promise((r) => setTimeout(r, 20));
      m.socket.write(line.slice(20) + envelope('<log>ready\n</log>'));
      m.socket.write(envelope('<log path="/app/main.js" line="42"># Exception: boom!\n</log>'));
      m.socket.write(envelope('<instruments><instrument name="Timers" value=" timers"/><instrument name="Chunk used" value=" / "/><instrument name="Stack used" value=" bytes"/></instruments>'));
      m.socket.write(envelope('<samples>1,1000,640</samples>') + envelope('<samples>2,900,1280</samples>'));
      m.socket.write(envelope('<frames><frame name="inner" value="@1" path="/app/main.js" line="7"/><frame name="main" value="@2"/></frames><break path="/app/main.js" line="7">debugger!</break>'));
      await m.waitFor('<go/>', 2);
      expect(breaks).toEqual(['/app/main.js:7 debugger! [inner /app/main.js:7 < main]']);
      expect(logs).toEqual([
        { text: '{"t":5,"socket":1}\n', path: undefined, line: undefined },
        { text: 'ready\n', path: undefined, line: undefined },
        { text: '# Exception: boom!\n', path: '/app/main.js', line: 42 },
      ]);
      expect(Object.fromEntries(listener.latest)).toEqual({ Timers: 2, 'Chunk used': 900, 'Stack used': 1280 });
      expect(Object.fromEntries(listener.peaks)).toEqual({ Timers: 2, 'Chunk used': 1000, 'Stack used': 1280 });
    } finally {
      m.socket.destroy();
      listener.close();
    }
  });
});
