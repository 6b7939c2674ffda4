/** "xstcp/src/net/wire/checksum", what hosts/ imports relatively, is the library module "xstcp/net/wire/checksum". */
export * from 'xstcp/net/wire/checksum';
