/** "xstcp/src/net/tcp/config", what hosts/ imports relatively, is the library module "xstcp/net/tcp/config". */
export * from 'xstcp/net/tcp/config';
