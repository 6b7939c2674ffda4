/** "xstcp/src/api/tcp", what hosts/ imports relatively, is the library module "xstcp/api/tcp". */
export * from 'xstcp/api/tcp';
