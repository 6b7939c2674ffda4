/** "xstcp/src/net/wire/ethernet", what hosts/ imports relatively, is the library module "xstcp/net/wire/ethernet". */
export * from 'xstcp/net/wire/ethernet';
