/**
 * An echo server (RFC 862) written only against the ECMA-419 socket modules, as a
 * Moddable application would be: it runs unchanged on Moddable's own sockets and on
 * xstcp (the board's `--app ecma419-echo`, on every engine). Back-pressure comes from
 * the sockets themselves: a connection reads no more than it can write at once, so
 * unread bytes wait in the receive buffer and the peer is held back by the window.
 */
import Listener from 'embedded:io/socket/listener';
import TCP from 'embedded:io/socket/tcp';

export const ECMA419_ECHO_PORT = 7;

export interface Ecma419Echo {
  readonly port: number;
  /** Connections open now. */
  readonly connections: number;
  /** Bytes echoed so far, all connections. */
  readonly bytes: number;
  /** Stops listening and closes every connection. */
  close(): void;
}

export function startEcma419Echo(port: number = ECMA419_ECHO_PORT): Ecma419Echo {
  const open = new Set<TCP>();
  let bytes = 0;

  function accept(from: TCP): void {
    let room = 0; // send-buffer room: what onWritable said, less what was written since
    const pump = (socket: TCP): void => {
      while (room > 0) {
        const data = socket.read(room) as ArrayBuffer | undefined;
        if (data === undefined) return;
        socket.write(data);
        room -= data.byteLength;
        bytes += data.byteLength;
      }
    };
    open.add(new TCP({
      from,
      onReadable() {
        pump(this);
      },
      onWritable(free) {
        room = free;
        pump(this);
      },
      onError() {
        // The peer closed (or the connection failed) and everything it sent was echoed.
        open.delete(this);
        this.close();
      },
    }));
  }

  // Moddable's Listener has close(); the declarations of @moddable/typings 5.6.0 omit it.
  const listener = new Listener({
    port,
    onReadable(count) {
      for (let i = 0; i < count; i++) {
        const from = this.read();
        if (from === undefined) break;
        accept(from);
      }
    },
  }) as Listener & { close(): void };

  return {
    port: listener.port,
    get connections() {
      return open.size;
    },
    get bytes() {
      return bytes;
    },
    close() {
      listener.close();
      for (const socket of open) socket.close();
      open.clear();
    },
  };
}

/** What the echo client saw. */
export interface Ecma419EchoClientResult {
  sent: number;
  received: number;
  /** Offset of the first byte that came back wrong, -1 if none. */
  mismatchAt: number;
  /** onError came before everything was echoed (a reset, a refusal, the server's FIN). */
  failed: boolean;
}

/** Byte `i` of what the client sends: not periodic at 256, so shifted data is noticed. */
export const echoClientByte = (i: number): number => (i * 7 + (i >> 8)) & 0xff;

/**
 * The other side: connects to an echo server, writes `bytes` bytes as fast as onWritable
 * allows while checking every byte that comes back, then closes and calls `done`.
 */
export function startEcma419EchoClient(address: string, port: number, bytes: number, done: (result: Ecma419EchoClientResult) => void): { close(): void } {
  const result: Ecma419EchoClientResult = { sent: 0, received: 0, mismatchAt: -1, failed: false };
  let finished = false;
  const finish = (socket: TCP, failed: boolean): void => {
    if (finished) return;
    finished = true;
    result.failed = failed;
    socket.close();
    done(result);
  };
  const socket = new TCP({
    address,
    port,
    onWritable(free) {
      let room = free;
      while (room > 0 && result.sent < bytes) {
        const chunk = new Uint8Array(Math.min(room, bytes - result.sent, 4096));
        for (let i = 0; i < chunk.length; i++) chunk[i] = echoClientByte(result.sent + i);
        this.write(chunk);
        result.sent += chunk.length;
        room -= chunk.length;
      }
    },
    onReadable() {
      const data = new Uint8Array(this.read() as ArrayBuffer);
      for (let i = 0; i < data.length; i++) {
        if (result.mismatchAt < 0 && data[i] !== echoClientByte(result.received + i)) result.mismatchAt = result.received + i;
      }
      result.received += data.length;
      if (result.received >= bytes) finish(this, false);
    },
    onError() {
      finish(this, true);
    },
  });
  return { close: () => socket.close() };
}
