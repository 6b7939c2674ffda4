/*
 * "embedded:io/socket/listener" on the xstcp XS host (bare specifiers map to this folder,
 * ':' becoming '/'): the compiled ECMA-419 listener module of src/io/socket/.
 */
export { default } from "../../../../../../dist/src/io/socket/listener.js";
