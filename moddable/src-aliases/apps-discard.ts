/** "xstcp/src/apps/discard", what hosts/ imports relatively, is the library module "xstcp/apps/discard". */
export * from 'xstcp/apps/discard';
