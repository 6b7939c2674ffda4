/** "xstcp/src/net/wire/ipv4-address", what hosts/ imports relatively, is the library module "xstcp/net/wire/ipv4-address". */
export * from 'xstcp/net/wire/ipv4-address';
