/** "xstcp/src/apps/chargen", what hosts/ imports relatively, is the library module "xstcp/apps/chargen". */
export * from 'xstcp/apps/chargen';
