/** "xstcp/src/apps/http-response", what hosts/ imports relatively, is the library module "xstcp/apps/http-response". */
export * from 'xstcp/apps/http-response';
