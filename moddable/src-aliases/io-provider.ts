/** "xstcp/src/io/provider", what hosts/ imports relatively, is the library module "xstcp/io/provider". */
export * from 'xstcp/io/provider';
