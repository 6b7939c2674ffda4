/** "xstcp/src/net/tcp/types", what hosts/ imports relatively, is the library module "xstcp/net/tcp/types". */
export * from 'xstcp/net/tcp/types';
