/** "xstcp/src/host/random", what hosts/ imports relatively, is the library module "xstcp/host/random". */
export * from 'xstcp/host/random';
