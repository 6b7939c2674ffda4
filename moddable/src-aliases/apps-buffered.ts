/** "xstcp/src/apps/buffered", what hosts/ imports relatively, is the library module "xstcp/apps/buffered". */
export * from 'xstcp/apps/buffered';
