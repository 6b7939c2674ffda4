/*
 * "embedded:io/socket/tcp" on the xstcp XS host (bare specifiers map to this folder,
 * ':' becoming '/'): the compiled ECMA-419 tcp module of src/io/socket/.
 */
export { default } from "../../../../../../dist/src/io/socket/tcp.js";
