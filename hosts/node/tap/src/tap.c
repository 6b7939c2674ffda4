/*
 * A Linux TAP device for Node: open (or attach to) a TAP interface, write frames, and
 * watch the fd with libuv so that received frames reach JavaScript in batches.
 *
 * Why native: Node has no API for /dev/net/tun. A blocking read on the fd from the libuv
 * thread pool can never be interrupted (the process cannot exit), so the fd is opened
 * O_NONBLOCK and watched with uv_poll on the main loop instead.
 */
#define _GNU_SOURCE
#ifndef NAPI_VERSION
#define NAPI_VERSION 8 /* async cleanup hooks */
#endif

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#include "writer.h"

/* Large enough for any frame a TAP device can carry (MTU up to 65535 plus headers). */
#define READ_BUFFER_SIZE (65536 + 256)
/* Frames of one batch are read back to back into the poller's buffer while a largest frame
 * still fits; this much beyond that one frame holds 64 full-size Ethernet frames and more. */
#define BATCH_BYTES (192 * 1024)
#define DEFAULT_BATCH 64
#define MAX_BATCH 4096
/* Bound on EINTR retries of one system call. */
#define MAX_EINTR_RETRIES 8

/* ---------------------------------------------------------------------------------- */
/* Errors                                                                              */

/* An Error shaped like Node's own system errors: message, code, errno (negative), syscall. */
static napi_value make_errno_error(napi_env env, const char *syscall, int err, const char *subject) {
  const char *code = uv_err_name(-err); /* on Linux libuv's codes are -errno */
  char message[256];
  if (subject != NULL && subject[0] != '\0') {
    snprintf(message, sizeof message, "%s %s: %s (%s)", syscall, subject, code, strerror(err));
  } else {
    snprintf(message, sizeof message, "%s: %s (%s)", syscall, code, strerror(err));
  }
  napi_value msg, code_value, error, errno_value, syscall_value;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value);
  napi_create_error(env, code_value, msg, &error);
  napi_create_int32(env, -err, &errno_value);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_value);
  napi_set_named_property(env, error, "errno", errno_value);
  napi_set_named_property(env, error, "syscall", syscall_value);
  return error;
}

void tap_throw_errno(napi_env env, const char *syscall, int err, const char *subject) {
  napi_throw(env, make_errno_error(env, syscall, err, subject));
}

/* Reads an fd argument; throws a TypeError and returns -1 when it is not a usable fd. */
int tap_get_fd(napi_env env, napi_value value) {
  int32_t fd = -1;
  if (napi_get_value_int32(env, value, &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "fd must be a non-negative integer");
    return -1;
  }
  return fd;
}

/* The arguments of a call whose first is an fd: up to *argc of them into argv, at least
 * `needed`. Returns the fd, or -1 after throwing (ERR_MISSING_ARGS with `usage`, or a bad fd). */
int tap_fd_args(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv, size_t needed, const char *usage) {
  napi_get_cb_info(env, info, argc, argv, NULL, NULL);
  if (*argc < needed) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", usage);
    return -1;
  }
  return tap_get_fd(env, argv[0]);
}

/* The bytes of a Uint8Array (Buffer included); false when the value is not one. */
int tap_get_bytes(napi_env env, napi_value value, const uint8_t **data, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = raw;
  return 1;
}

/* ---------------------------------------------------------------------------------- */
/* open(name) -> { fd, name }                                                          */

static napi_value tap_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);

  char name[IFNAMSIZ];
  memset(name, 0, sizeof name);
  napi_valuetype type = napi_undefined;
  if (argc >= 1) napi_typeof(env, argv[0], &type);
  if (type == napi_string) {
    size_t length = 0;
    napi_get_value_string_utf8(env, argv[0], NULL, 0, &length);
    if (length >= IFNAMSIZ) {
      napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "TAP device name is longer than 15 bytes");
      return NULL;
    }
    napi_get_value_string_utf8(env, argv[0], name, sizeof name, &length);
  } else if (type != napi_undefined) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "TAP device name must be a string");
    return NULL;
  }

  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    tap_throw_errno(env, "open", errno, "/dev/net/tun");
    return NULL;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  /* IFF_NO_PI: each read/write is exactly one Ethernet frame, no 4-byte packet info. */
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  memcpy(ifr.ifr_name, name, strlen(name));
  /* Creates the device in this process's network namespace, or attaches to an existing
   * persistent one of that name (EBUSY if another fd holds it, EINVAL if it is a TUN). */
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    close(fd);
    tap_throw_errno(env, "ioctl(TUNSETIFF)", err, name[0] != '\0' ? name : "(new)");
    return NULL;
  }
  ifr.ifr_name[IFNAMSIZ - 1] = '\0';

  napi_value result, fd_value, name_value;
  napi_create_object(env, &result);
  napi_create_int32(env, fd, &fd_value);
  napi_create_string_utf8(env, ifr.ifr_name, NAPI_AUTO_LENGTH, &name_value);
  napi_set_named_property(env, result, "fd", fd_value);
  napi_set_named_property(env, result, "name", name_value);
  return result;
}

/* ---------------------------------------------------------------------------------- */
/* write(fd, frame) -> bytes written or -errno; writeMany; close                       */

/* One write(2) is one frame on a TAP fd; never merge frames. */
static ssize_t write_frame(int fd, const uint8_t *data, size_t length) {
  for (int tries = 0;; tries++) {
    ssize_t n = write(fd, data, length);
    if (n >= 0) return n;
    if (errno != EINTR || tries >= MAX_EINTR_RETRIES) return -errno;
  }
}

static napi_value tap_write(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int fd = tap_fd_args(env, info, &argc, argv, 2, "write(fd, frame) needs two arguments");
  if (fd < 0) return NULL;
  const uint8_t *data = NULL;
  size_t length = 0;
  if (!tap_get_bytes(env, argv[1], &data, &length)) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "frame must be a Uint8Array");
    return NULL;
  }
  napi_value result;
  napi_create_int64(env, (int64_t)write_frame(fd, data, length), &result);
  return result;
}

/* writeMany(fd, frames, results?) -> frames written. Every frame is attempted; when an
 * Int32Array `results` is given, results[i] receives that frame's bytes or -errno. */
static napi_value tap_write_many(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int fd = tap_fd_args(env, info, &argc, argv, 2, "writeMany(fd, frames) needs two arguments");
  if (fd < 0) return NULL;
  bool is_array = false;
  napi_is_array(env, argv[1], &is_array);
  if (!is_array) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "frames must be an array of Uint8Array");
    return NULL;
  }
  int32_t *results = NULL;
  size_t results_length = 0;
  if (argc >= 3) {
    napi_valuetype type;
    napi_typeof(env, argv[2], &type);
    if (type != napi_undefined) {
      bool is_typed = false;
      napi_typedarray_type typed_type = napi_uint8_array;
      void *raw = NULL;
      napi_is_typedarray(env, argv[2], &is_typed);
      if (is_typed) napi_get_typedarray_info(env, argv[2], &typed_type, &results_length, &raw, NULL, NULL);
      if (!is_typed || typed_type != napi_int32_array) {
        napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "results must be an Int32Array");
        return NULL;
      }
      results = raw;
    }
  }

  uint32_t count = 0;
  napi_get_array_length(env, argv[1], &count);
  uint32_t written = 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    const uint8_t *data = NULL;
    size_t length = 0;
    ssize_t n;
    if (napi_get_element(env, argv[1], i, &element) != napi_ok || !tap_get_bytes(env, element, &data, &length)) {
      n = -EINVAL;
    } else {
      n = write_frame(fd, data, length);
    }
    if (n >= 0) written++;
    if (results != NULL && i < results_length) results[i] = (int32_t)n;
  }
  napi_value result;
  napi_create_uint32(env, written, &result);
  return result;
}

static napi_value tap_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int fd = tap_fd_args(env, info, &argc, argv, 1, "close(fd) needs an fd");
  if (fd < 0) return NULL;
  /* Linux releases the fd even when close() reports EINTR: never retry. */
  int rc = close(fd) == 0 ? 0 : -errno;
  napi_value result;
  napi_create_int32(env, rc, &result);
  return result;
}

/* ---------------------------------------------------------------------------------- */
/* poll(fd, callback, batchLimit?) -> { stop(), ref(), unref(), isActive() }           */

enum poller_state { POLLER_ACTIVE, POLLER_CLOSING };

struct poller_box;

struct poller {
  uv_poll_t handle;
  napi_env env;
  napi_ref callback;
  napi_async_context async_context;
  napi_async_cleanup_hook_handle cleanup;
  struct poller_box *box; /* the JS object's link to us, NULL once it was collected */
  enum poller_state state;
  int fd;
  uint32_t batch_limit;
  uint8_t *buffer; /* BATCH_BYTES + READ_BUFFER_SIZE */
  uint32_t *lengths; /* of the batch's frames, batch_limit of them */
};

/* Owned by the JS object. The poller may go away first (stopped and closed); then
 * `poller` is NULL and the object's methods do nothing. */
struct poller_box {
  struct poller *poller;
};

static void on_handle_closed(uv_handle_t *handle) {
  struct poller *p = handle->data;
  napi_env env = p->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_delete_reference(env, p->callback);
  napi_async_destroy(env, p->async_context);
  napi_close_handle_scope(env, scope);
  if (p->box != NULL) p->box->poller = NULL;
  /* Last: after this the environment may be torn down. */
  napi_remove_async_cleanup_hook(p->cleanup);
  free(p->buffer);
  free(p->lengths);
  free(p);
}

/* Stops watching the fd. The fd may be closed as soon as this returns (uv_poll_stop
 * removes it from epoll at once); the memory goes when libuv has closed the handle. */
static void poller_stop(struct poller *p) {
  if (p->state != POLLER_ACTIVE) return;
  p->state = POLLER_CLOSING;
  uv_poll_stop(&p->handle);
  uv_close((uv_handle_t *)&p->handle, on_handle_closed);
}

/* Environment teardown (process exit, worker termination) with the poller still open:
 * JavaScript can no longer close the fd, so close it here, or a worker's device would
 * stay busy (EBUSY) for the rest of the process. */
static void on_env_teardown(napi_async_cleanup_hook_handle handle, void *arg) {
  (void)handle;
  struct poller *p = arg;
  if (p->state != POLLER_ACTIVE) return; /* stopping already: JS owns the fd */
  poller_stop(p);
  close(p->fd);
}

/* Calls the JS callback as an async callback (microtasks and nextTicks run after it),
 * with the global object as receiver: napi_make_callback rejects an undefined one. */
static void deliver(struct poller *p, napi_value frames, napi_value error) {
  napi_env env = p->env;
  napi_value callback, global, result;
  napi_value argv[2] = {frames, error};
  if (napi_get_reference_value(env, p->callback, &callback) != napi_ok || callback == NULL) return;
  napi_get_global(env, &global);
  napi_status status = napi_make_callback(env, p->async_context, global, callback, 2, argv, &result);
  if (status == napi_pending_exception) {
    /* An exception in the callback is the application's: report it as uncaught. */
    napi_value exception;
    napi_get_and_clear_last_exception(env, &exception);
    napi_fatal_exception(env, exception);
  }
}

static void on_poll(uv_poll_t *handle, int status, int events) {
  (void)events;
  struct poller *p = handle->data;
  if (p->state != POLLER_ACTIVE) return;
  napi_env env = p->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value null_value;
  napi_get_null(env, &null_value);

  if (status < 0) {
    /* epoll reported an error on the fd (e.g. POLLERR when the device was deleted):
     * libuv has stopped the handle; report once and close. */
    napi_value error = make_errno_error(env, "poll", -status, NULL);
    poller_stop(p);
    deliver(p, null_value, error);
    napi_close_handle_scope(env, scope);
    return;
  }

  uint32_t count = 0;
  size_t used = 0;
  int read_error = 0;
  int eintr = 0;
  /* Level-triggered: frames beyond the batch limit wake us again on the next loop turn,
   * which lets timers and other I/O run in between. */
  while (count < p->batch_limit && used <= BATCH_BYTES) {
    ssize_t n = read(p->fd, p->buffer + used, READ_BUFFER_SIZE);
    if (n < 0) {
      if (errno == EINTR && ++eintr <= MAX_EINTR_RETRIES) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) read_error = errno;
      break;
    }
    if (n == 0) break;
    p->lengths[count++] = (uint32_t)n;
    used += (size_t)n;
  }
  if (count > 0) {
    /* One ArrayBuffer for the batch and a view per frame: no allocation of its own per
     * frame outside the JavaScript heap (the frames stay valid as long as any is kept). */
    napi_value frames, batch;
    void *bytes = NULL;
    napi_create_array_with_length(env, count, &frames);
    if (napi_create_arraybuffer(env, used, &bytes, &batch) == napi_ok) {
      memcpy(bytes, p->buffer, used);
      size_t at = 0;
      for (uint32_t i = 0; i < count; i++) {
        napi_value view;
        napi_create_typedarray(env, napi_uint8_array, p->lengths[i], batch, at, &view);
        napi_set_element(env, frames, i, view);
        at += p->lengths[i];
      }
      deliver(p, frames, null_value);
    }
  }
  /* The callback may have stopped us (and closed the fd): only report a read error
   * while still active. EBADFD is what a read gives once the device was deleted. */
  if (read_error != 0 && p->state == POLLER_ACTIVE) {
    napi_value error = make_errno_error(env, "read", read_error, NULL);
    poller_stop(p);
    deliver(p, null_value, error);
  }
  napi_close_handle_scope(env, scope);
}

static struct poller *box_poller(napi_env env, napi_callback_info info) {
  void *data = NULL;
  size_t argc = 0;
  napi_get_cb_info(env, info, &argc, NULL, NULL, &data);
  struct poller_box *box = data;
  return box == NULL ? NULL : box->poller;
}

static napi_value poller_js_stop(napi_env env, napi_callback_info info) {
  struct poller *p = box_poller(env, info);
  if (p != NULL) poller_stop(p);
  return NULL;
}

static napi_value poller_js_ref(napi_env env, napi_callback_info info) {
  struct poller *p = box_poller(env, info);
  if (p != NULL && p->state == POLLER_ACTIVE) uv_ref((uv_handle_t *)&p->handle);
  return NULL;
}

static napi_value poller_js_unref(napi_env env, napi_callback_info info) {
  struct poller *p = box_poller(env, info);
  if (p != NULL && p->state == POLLER_ACTIVE) uv_unref((uv_handle_t *)&p->handle);
  return NULL;
}

static napi_value poller_js_is_active(napi_env env, napi_callback_info info) {
  struct poller *p = box_poller(env, info);
  napi_value result;
  napi_get_boolean(env, p != NULL && p->state == POLLER_ACTIVE, &result);
  return result;
}

static void finalize_box(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  struct poller_box *box = data;
  if (box->poller != NULL) box->poller->box = NULL;
  free(box);
}

static napi_value tap_poll(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int fd = tap_fd_args(env, info, &argc, argv, 2, "poll(fd, callback) needs two arguments");
  if (fd < 0) return NULL;
  napi_valuetype type;
  napi_typeof(env, argv[1], &type);
  if (type != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "callback must be a function");
    return NULL;
  }
  uint32_t batch_limit = DEFAULT_BATCH;
  if (argc >= 3) {
    napi_typeof(env, argv[2], &type);
    if (type != napi_undefined) {
      if (napi_get_value_uint32(env, argv[2], &batch_limit) != napi_ok || batch_limit < 1 || batch_limit > MAX_BATCH) {
        napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "batchLimit must be an integer from 1 to 4096");
        return NULL;
      }
    }
  }

  uv_loop_t *loop = NULL;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    napi_throw_error(env, NULL, "no libuv event loop");
    return NULL;
  }
  struct poller *p = calloc(1, sizeof *p);
  struct poller_box *box = calloc(1, sizeof *box);
  uint8_t *buffer = malloc(BATCH_BYTES + READ_BUFFER_SIZE);
  uint32_t *lengths = calloc(batch_limit, sizeof *lengths);
  if (p == NULL || box == NULL || buffer == NULL || lengths == NULL) {
    free(p);
    free(box);
    free(buffer);
    free(lengths);
    tap_throw_errno(env, "poll", ENOMEM, NULL);
    return NULL;
  }
  int rc = uv_poll_init(loop, &p->handle, fd);
  if (rc < 0) {
    free(p);
    free(box);
    free(buffer);
    free(lengths);
    tap_throw_errno(env, "uv_poll_init", -rc, NULL);
    return NULL;
  }
  p->handle.data = p;
  p->env = env;
  p->fd = fd;
  p->batch_limit = batch_limit;
  p->buffer = buffer;
  p->lengths = lengths;
  p->state = POLLER_ACTIVE;
  p->box = box;
  box->poller = p;
  napi_create_reference(env, argv[1], 1, &p->callback);
  napi_value resource_name;
  napi_create_string_utf8(env, "TapPoll", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &p->async_context);
  napi_add_async_cleanup_hook(env, on_env_teardown, p, &p->cleanup);

  napi_value object;
  napi_create_object(env, &object);
  napi_property_descriptor methods[] = {
      {"stop", NULL, poller_js_stop, NULL, NULL, NULL, napi_default, box},
      {"ref", NULL, poller_js_ref, NULL, NULL, NULL, napi_default, box},
      {"unref", NULL, poller_js_unref, NULL, NULL, NULL, napi_default, box},
      {"isActive", NULL, poller_js_is_active, NULL, NULL, NULL, napi_default, box},
  };
  napi_define_properties(env, object, sizeof methods / sizeof methods[0], methods);
  napi_wrap(env, object, box, finalize_box, NULL, NULL);

  rc = uv_poll_start(&p->handle, UV_READABLE, on_poll);
  if (rc < 0) {
    poller_stop(p);
    tap_throw_errno(env, "uv_poll_start", -rc, NULL);
    return NULL;
  }
  return object;
}

/* ---------------------------------------------------------------------------------- */

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
      {"open", NULL, tap_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"write", NULL, tap_write, NULL, NULL, NULL, napi_enumerable, NULL},
      {"writeMany", NULL, tap_write_many, NULL, NULL, NULL, napi_enumerable, NULL},
      {"writer", NULL, tap_writer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, tap_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"poll", NULL, tap_poll, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
