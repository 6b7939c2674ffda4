/*
 * The module a Moddable manifest maps "embedded:io/socket/listener" to (scripts/manifest.mjs).
 * XS resolves a relative import against the importing module's name, and under the
 * name "embedded:io/socket/listener" the implementation's relative imports would point
 * nowhere; so this entry imports it by its library name instead.
 */
export { default } from "xstcp/io/socket/listener";
