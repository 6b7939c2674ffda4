/*
 * The TAP addon's transmit thread: writer(fd, slots) copies each frame into a bounded ring
 * and a thread of its own writes them to the device in order, one write(2) per frame.
 *
 * Why a thread: a write to a TAP device runs the kernel's receive path for that frame in
 * the writer's context (the peer's TCP processes the segment and often sends its reply
 * before write returns), about as long as the board spends on a frame in JavaScript. On
 * the event loop's thread the two add up; here they overlap, as lwIP's unix port overlaps
 * its device threads with its tcpip thread. The ring is bounded: a producer that finds it
 * full waits for a slot, which is what the synchronous write made it do anyway.
 */
#define _GNU_SOURCE
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A full Ethernet frame with a VLAN tag fits; larger ones wait for the ring to drain and
 * are written by the caller (the order is kept either way). */
#define SLOT_SIZE 2048
#define DEFAULT_SLOTS 256
#define MAX_SLOTS 65536
#define MAX_EINTR_RETRIES 8

struct writer {
  pthread_mutex_t lock;
  pthread_cond_t work;  /* frames queued, or stop */
  pthread_cond_t space; /* a slot was freed, or the ring drained */
  pthread_t thread;
  int fd; /* a dup of the caller's fd: closing theirs cannot hand ours to another file */
  uint8_t *slots;
  uint32_t *lengths;
  uint32_t capacity, head, count;
  bool stopping; /* no more frames accepted; the thread exits once the ring is empty */
  bool stopped;  /* joined and closed */
  bool hook;     /* the environment cleanup hook is registered */
  napi_env env;
  /* Results, written under the lock: frames written, refused (EAGAIN), failed otherwise. */
  double written, refused, failed;
};

static ssize_t write_once(int fd, const uint8_t *data, size_t length) {
  for (int tries = 0;; tries++) {
    ssize_t n = write(fd, data, length);
    if (n >= 0) return n;
    if (errno != EINTR || tries >= MAX_EINTR_RETRIES) return -errno;
  }
}

/* Under the lock. */
static void count_result(struct writer *w, ssize_t n, size_t length) {
  if (n == (ssize_t)length) w->written++;
  else if (n == -EAGAIN || n == -EWOULDBLOCK) w->refused++;
  else w->failed++;
}

static void *writer_main(void *arg) {
  struct writer *w = arg;
  pthread_mutex_lock(&w->lock);
  for (;;) {
    while (w->count == 0 && !w->stopping) pthread_cond_wait(&w->work, &w->lock);
    if (w->count == 0) break; /* stopping and drained */
    uint32_t slot = w->head;
    size_t length = w->lengths[slot];
    pthread_mutex_unlock(&w->lock);
    ssize_t n = write_once(w->fd, w->slots + (size_t)slot * SLOT_SIZE, length);
    pthread_mutex_lock(&w->lock);
    count_result(w, n, length);
    w->head = (w->head + 1) % w->capacity;
    w->count--;
    pthread_cond_signal(&w->space);
  }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

/* Writes what is queued, ends the thread and closes our fd (idempotent). */
static void writer_stop(struct writer *w) {
  if (w->stopped) return;
  pthread_mutex_lock(&w->lock);
  w->stopping = true;
  pthread_cond_signal(&w->work);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  close(w->fd);
  w->stopped = true;
}

static void on_env_cleanup(void *arg) {
  struct writer *w = arg;
  w->hook = false; /* Node removes a hook as it runs it */
  writer_stop(w);
}

static void writer_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  struct writer *w = data;
  writer_stop(w);
  if (w->hook) napi_remove_env_cleanup_hook(env, on_env_cleanup, w);
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->work);
  pthread_cond_destroy(&w->space);
  free(w->slots);
  free(w->lengths);
  free(w);
}

static struct writer *this_writer(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  void *data = NULL;
  napi_get_cb_info(env, info, argc, argv, NULL, &data);
  return data;
}

/* write(frame) -> true when queued (or written), false once stopped. Waits while full. */
static napi_value writer_js_write(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  struct writer *w = this_writer(env, info, &argc, argv);
  const uint8_t *data = NULL;
  size_t length = 0;
  if (argc < 1 || !tap_get_bytes(env, argv[0], &data, &length)) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "frame must be a Uint8Array");
    return NULL;
  }
  bool accepted = false;
  pthread_mutex_lock(&w->lock);
  if (!w->stopping) {
    accepted = true;
    if (length <= SLOT_SIZE) {
      while (w->count == w->capacity) pthread_cond_wait(&w->space, &w->lock);
      uint32_t slot = (w->head + w->count) % w->capacity;
      memcpy(w->slots + (size_t)slot * SLOT_SIZE, data, length);
      w->lengths[slot] = (uint32_t)length;
      /* The thread sleeps only on an empty ring (the frame it writes stays counted until
       * written): only the first frame needs to wake it. */
      if (w->count++ == 0) pthread_cond_signal(&w->work);
    } else {
      while (w->count > 0) pthread_cond_wait(&w->space, &w->lock);
      count_result(w, write_once(w->fd, data, length), length);
    }
  }
  pthread_mutex_unlock(&w->lock);
  napi_value result;
  napi_get_boolean(env, accepted, &result);
  return result;
}

/* counts() -> [written, refused, failed, queued] */
static napi_value writer_js_counts(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  struct writer *w = this_writer(env, info, &argc, NULL);
  double values[4];
  pthread_mutex_lock(&w->lock);
  values[0] = w->written;
  values[1] = w->refused;
  values[2] = w->failed;
  values[3] = w->count;
  pthread_mutex_unlock(&w->lock);
  napi_value result;
  napi_create_array_with_length(env, 4, &result);
  for (uint32_t i = 0; i < 4; i++) {
    napi_value v;
    napi_create_double(env, values[i], &v);
    napi_set_element(env, result, i, v);
  }
  return result;
}

static napi_value writer_js_stop(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  writer_stop(this_writer(env, info, &argc, NULL));
  return NULL;
}

napi_value tap_writer(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int fd = tap_fd_args(env, info, &argc, argv, 1, "writer(fd, slots?) needs an fd");
  if (fd < 0) return NULL;
  uint32_t capacity = DEFAULT_SLOTS;
  if (argc >= 2) {
    napi_valuetype type;
    napi_typeof(env, argv[1], &type);
    if (type != napi_undefined && (napi_get_value_uint32(env, argv[1], &capacity) != napi_ok || capacity < 1 || capacity > MAX_SLOTS)) {
      napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "slots must be an integer from 1 to 65536");
      return NULL;
    }
  }
  struct writer *w = calloc(1, sizeof *w);
  uint8_t *slots = malloc((size_t)capacity * SLOT_SIZE);
  uint32_t *lengths = calloc(capacity, sizeof *lengths);
  int own_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  int err = own_fd < 0 ? errno : (w == NULL || slots == NULL || lengths == NULL) ? ENOMEM : 0;
  if (err == 0) {
    w->fd = own_fd;
    w->slots = slots;
    w->lengths = lengths;
    w->capacity = capacity;
    w->env = env;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->space, NULL);
    err = pthread_create(&w->thread, NULL, writer_main, w);
    if (err != 0) {
      pthread_mutex_destroy(&w->lock);
      pthread_cond_destroy(&w->work);
      pthread_cond_destroy(&w->space);
    }
  }
  if (err != 0) {
    if (own_fd >= 0) close(own_fd);
    free(w);
    free(slots);
    free(lengths);
    tap_throw_errno(env, "writer", err, NULL);
    return NULL;
  }
  napi_add_env_cleanup_hook(env, on_env_cleanup, w);
  w->hook = true;

  napi_value object;
  napi_create_object(env, &object);
  napi_property_descriptor methods[] = {
      {"write", NULL, writer_js_write, NULL, NULL, NULL, napi_default, w},
      {"counts", NULL, writer_js_counts, NULL, NULL, NULL, napi_default, w},
      {"stop", NULL, writer_js_stop, NULL, NULL, NULL, napi_default, w},
  };
  napi_define_properties(env, object, sizeof methods / sizeof methods[0], methods);
  napi_wrap(env, object, w, writer_finalize, NULL, NULL);
  return object;
}
