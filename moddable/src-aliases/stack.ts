/** "xstcp/src/stack", what hosts/ imports relatively, is the library module "xstcp/stack". */
export * from 'xstcp/stack';
