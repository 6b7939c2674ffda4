/**
 * The network's tasks in the µTasker task table, known by their first character: defined
 * once here for the interface, TCP and the µTasker API (src/api/scheduler.ts).
 */
export const TASK_ETHERNET = 'E';
export const TASK_ARP = 'A';
export const TASK_TCP = 'T';
