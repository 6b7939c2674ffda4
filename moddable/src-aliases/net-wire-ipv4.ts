/** "xstcp/src/net/wire/ipv4", what hosts/ imports relatively, is the library module "xstcp/net/wire/ipv4". */
export * from 'xstcp/net/wire/ipv4';
