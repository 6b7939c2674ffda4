/**
 * The network's tasks in the µTasker task table, known by their first character: defined
 * once here for the interface, TCP and the µTasker API (src/api/scheduler.ts).
 */
export const TASK_ETHERNET = 'E';
export const TASK_ARP = 'A';
export const TASK_TCP = 'T';

/*
 * The same tasks by character code, for the calls made per frame (the scheduler takes
 * either): on XS a method call on a string primitive allocates a wrapper object.
 */
export const TASK_ETHERNET_CODE = TASK_ETHERNET.charCodeAt(0);
export const TASK_ARP_CODE = TASK_ARP.charCodeAt(0);
export const TASK_TCP_CODE = TASK_TCP.charCodeAt(0);
