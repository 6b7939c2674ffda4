/** "xstcp/src/net/wire/bytes", what hosts/ imports relatively, is the library module "xstcp/net/wire/bytes". */
export * from 'xstcp/net/wire/bytes';
