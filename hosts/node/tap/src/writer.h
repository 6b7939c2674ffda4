/*
 * What the TAP addon's files share: argument helpers of tap.c and the transmit thread of
 * writer.c.
 */
#ifndef XSTCP_TAP_WRITER_H
#define XSTCP_TAP_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <node_api.h>

/* Throws an Error shaped like Node's system errors (code, errno, syscall). */
void tap_throw_errno(napi_env env, const char *syscall, int err, const char *subject);
/* An fd argument, or -1 after throwing a TypeError. */
int tap_get_fd(napi_env env, napi_value value);
/* The fd first argument of a call with at least `needed` arguments, or -1 after throwing. */
int tap_fd_args(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv, size_t needed, const char *usage);
/* The bytes of a Uint8Array argument; 0 when it is not one. */
int tap_get_bytes(napi_env env, napi_value value, const uint8_t **data, size_t *length);

/* writer(fd, slots?) -> { write(frame), counts(), stop() }: see writer.c. */
napi_value tap_writer(napi_env env, napi_callback_info info);

#endif
