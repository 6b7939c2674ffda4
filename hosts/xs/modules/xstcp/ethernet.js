/*
 * "xstcp/ethernet" on the XS host: the very module Moddable builds
 * (targets/common/ethernet.js), bound to this host's Native/native globals.
 */
export { default } from "../../../../targets/common/ethernet.js";
