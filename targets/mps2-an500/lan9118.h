/* The LAN9118 driver's hook for the main loop (lan9118.c). */
#ifndef XSTCP_LAN9118_H
#define XSTCP_LAN9118_H

/* 1 when the controller holds received frames or raised its interrupt since the last service. */
int lan9118Pending(void);

#endif
