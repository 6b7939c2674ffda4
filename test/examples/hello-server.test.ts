/** The README's example application, run between two boards on the simulated LAN. */
import { SimLan } from '../../hosts/sim/lan.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { SeededRandom } from '../../src/host/random.js';
import { Stack } from '../../src/stack.js';
import { fnStartHello } from '../../examples/hello-server.js';
import {
  APP_ACCEPT, TCP_EVENT_CLOSE, TCP_EVENT_CLOSED, TCP_EVENT_CONNECTED, TCP_EVENT_DATA, TCP_STATE_LISTEN, TOS_NORMAL_SERVICE,
} from '../../src/api/tcp.js';

function boards(loss: number) {
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed: 5 });
  const mk = (n: number) => {
    const s = new Stack({
      mac: lan.attach({ macAddress: new Uint8Array([2, 0, 0, 0, 0, n]), egress: { loss } }),
      clock, random: new SeededRandom(n), address: 0xc6120000 + n, netmask: 0xffffff00,
    });
    s.start();
    return s;
  };
  return { clock, client: mk(1), server: mk(2) };
}

describe('README example: the hello server', () => {
  it.each([0, 0.2])('greets a client and closes from inside TCP_EVENT_ACK (loss %p)', (loss) => {
    const { clock, client, server } = boards(loss);
    const serverSocket = fnStartHello(server.api);
    expect(serverSocket).toBeGreaterThanOrEqual(0);
    let received = '';
    const events: number[] = [];
    const { fnGetTCP_Socket, fnTCP_Connect } = client.api;
    const s = fnGetTCP_Socket(TOS_NORMAL_SERVICE, 60, (_socket, event, data, len) => {
      events.push(event);
      if (event === TCP_EVENT_DATA && data) received += String.fromCharCode(...data.subarray(0, len));
      return APP_ACCEPT;
    });
    expect(fnTCP_Connect(s, new Uint8Array([198, 18, 0, 2]), 7000, 0, 0)).toBe(s);
    clock.advance(60_000);
    expect(received).toBe('hello from xstcp\r\n');
    expect(events.filter((e) => e === TCP_EVENT_CONNECTED)).toHaveLength(1);
    // The server closed: the client saw the peer's FIN, then its own close completed.
    expect(events).toContain(TCP_EVENT_CLOSE);
    expect(events[events.length - 1]).toBe(TCP_EVENT_CLOSED);
    // The server socket re-listened from its CLOSED callback.
    expect(server.api.fnGetTCP_state(serverSocket)).toBe(TCP_STATE_LISTEN);
  });
});
