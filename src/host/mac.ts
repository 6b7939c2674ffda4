/**
 * The Ethernet MAC as a driver presents it to the stack. Received frames wait in the
 * driver's queue until the Ethernet task pulls them (like µTasker's Rx buffer
 * descriptors); the driver calls the notify function, like an Rx interrupt, when a queue
 * that was empty gets a frame.
 */
export interface MacDriver {
  /** Our 6-byte hardware address. */
  readonly macAddress: Uint8Array;
  /**
   * Sends one complete Ethernet frame (no FCS). The driver copies it or is done with it on
   * return, so the caller may reuse the buffer. Returns false when the driver refused it
   * (link down, transmit queue full).
   */
  transmit(frame: Uint8Array): boolean;
  /** The oldest received frame, or undefined when none is waiting. */
  receive(): Uint8Array | undefined;
  /** Installs the "frames are waiting" notification (one per driver). */
  setReceiveNotify(notify: () => void): void;
  /** True while the link is up. */
  linkUp(): boolean;
}
