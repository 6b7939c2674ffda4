import type { Clock } from '../../src/host/clock.js';
import type { MacDriver } from '../../src/host/mac.js';

export type CaptureDirection = 'in' | 'out';

/**
 * Receives every captured frame. The frame belongs to the caller (a sent frame's buffer is
 * reused by the stack): read or copy it during the call.
 */
export type CaptureSink = (timestampMs: number, frame: Uint8Array, direction: CaptureDirection) => void;

/**
 * Wraps a MAC so that every frame the driver accepts for sending ('out') and every frame
 * the stack takes with `receive()` ('in') also goes to `sink`, stamped with `clock.now()`.
 * Everything else passes straight through, so any host can capture without the stack
 * knowing.
 */
export function captureMac(mac: MacDriver, clock: Clock, sink: CaptureSink): MacDriver {
  return {
    get macAddress(): Uint8Array {
      return mac.macAddress;
    },
    transmit(frame: Uint8Array): boolean {
      const accepted = mac.transmit(frame);
      // A refused frame never reached the wire, so a capture shows it no more than tcpdump would.
      if (accepted) sink(clock.now(), frame, 'out');
      return accepted;
    },
    receive(): Uint8Array | undefined {
      const frame = mac.receive();
      if (frame !== undefined) sink(clock.now(), frame, 'in');
      return frame;
    },
    setReceiveNotify(notify: () => void): void {
      mac.setReceiveNotify(notify);
    },
    linkUp(): boolean {
      return mac.linkUp();
    },
  };
}
