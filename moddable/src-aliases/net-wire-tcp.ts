/** "xstcp/src/net/wire/tcp", what hosts/ imports relatively, is the library module "xstcp/net/wire/tcp". */
export * from 'xstcp/net/wire/tcp';
