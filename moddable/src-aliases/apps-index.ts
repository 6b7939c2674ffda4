/** "xstcp/src/apps/index", what hosts/ imports relatively, is the library module "xstcp/apps/index". */
export * from 'xstcp/apps/index';
