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
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A full Ethernet frame with a VLAN tag fits; larger ones wait for the ring to drain and
 * are written by the caller (the order is kept either way). */
#define SLOT_SIZE 2048
#define DEFAULT_SLOTS 256
#define MAX_SLOTS 65536
#define MAX_EINTR_RETRIES 8

/*
 * One producer (the JavaScript thread) and one consumer (the thread): a ring without a
 * lock. `queued` and `done` count frames ever queued and ever written (free-running, so
 * queued - done is what the ring holds); each side keeps its own slot index. A side that
 * must wait says so in its `*_waiting` flag, checks again, and sleeps with a futex: the
 * producer on `done`, the thread on `bell`, which the producer (after queuing) and
 * writer_stop ring. The flag's store and the other side's load are sequentially
 * consistent, so either the sleeper sees the change or the changer sees the flag: no
 * wake-up is lost, and none is paid for while both are busy.
 */
struct writer {
  _Atomic uint32_t queued;
  _Atomic uint32_t done;
  _Atomic uint32_t writer_waiting;   /* the thread sleeps on `bell` */
  _Atomic uint32_t bell;             /* rung (incremented) to wake the thread */
  _Atomic uint32_t producer_waiting; /* the JavaScript thread sleeps on `done` */
  _Atomic uint32_t stopping;         /* no more frames; the thread exits once drained */
  uint32_t capacity;
  uint32_t produce_slot; /* the producer's next slot */
  uint32_t consume_slot; /* the thread's next slot */
  uint8_t *slots;
  uint32_t *lengths;
  pthread_t thread;
  int fd;       /* a dup of the caller's fd: closing theirs cannot hand ours to another file */
  bool stopped; /* joined and closed */
  bool hook;    /* the environment cleanup hook is registered */
  /* Frames written, refused (EAGAIN), failed otherwise: the thread's, and the caller's
   * writes of oversized frames, which happen only while the thread is idle. */
  _Atomic uint64_t written, refused, failed;
};

static void futex_wait(_Atomic uint32_t *word, uint32_t expected) {
  syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word) {
  syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static ssize_t write_once(int fd, const uint8_t *data, size_t length) {
  for (int tries = 0;; tries++) {
    ssize_t n = write(fd, data, length);
    if (n >= 0) return n;
    if (errno != EINTR || tries >= MAX_EINTR_RETRIES) return -errno;
  }
}

static void count_result(struct writer *w, ssize_t n, size_t length) {
  if (n == (ssize_t)length) atomic_fetch_add_explicit(&w->written, 1, memory_order_relaxed);
  else if (n == -EAGAIN || n == -EWOULDBLOCK) atomic_fetch_add_explicit(&w->refused, 1, memory_order_relaxed);
  else atomic_fetch_add_explicit(&w->failed, 1, memory_order_relaxed);
}

static void *writer_main(void *arg) {
  struct writer *w = arg;
  uint32_t done = atomic_load(&w->done);
  for (;;) {
    uint32_t queued = atomic_load(&w->queued);
    if (queued == done) {
      if (atomic_load(&w->stopping)) break;
      atomic_store(&w->writer_waiting, 1);
      uint32_t bell = atomic_load(&w->bell);
      if (atomic_load(&w->queued) == done && !atomic_load(&w->stopping)) futex_wait(&w->bell, bell);
      atomic_store(&w->writer_waiting, 0);
      continue;
    }
    uint32_t slot = w->consume_slot;
    size_t length = w->lengths[slot];
    count_result(w, write_once(w->fd, w->slots + (size_t)slot * SLOT_SIZE, length), length);
    w->consume_slot = slot + 1 == w->capacity ? 0 : slot + 1;
    atomic_store(&w->done, ++done);
    if (atomic_load(&w->producer_waiting)) futex_wake(&w->done);
  }
  return NULL;
}

static void ring_bell(struct writer *w) {
  atomic_fetch_add(&w->bell, 1);
  futex_wake(&w->bell);
}

/* The producer waits until the ring holds at most `most` frames. */
static void wait_until_at_most(struct writer *w, uint32_t most) {
  uint32_t queued = atomic_load_explicit(&w->queued, memory_order_relaxed);
  for (;;) {
    uint32_t done = atomic_load(&w->done);
    if (queued - done <= most) return;
    atomic_store(&w->producer_waiting, 1);
    if (queued - atomic_load(&w->done) > most) futex_wait(&w->done, done);
    atomic_store(&w->producer_waiting, 0);
  }
}

/* Writes what is queued, ends the thread and closes our fd (idempotent). */
static void writer_stop(struct writer *w) {
  if (w->stopped) return;
  atomic_store(&w->stopping, 1);
  ring_bell(w);
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
  bool accepted = !atomic_load_explicit(&w->stopping, memory_order_relaxed);
  if (accepted && length <= SLOT_SIZE) {
    wait_until_at_most(w, w->capacity - 1);
    uint32_t slot = w->produce_slot;
    memcpy(w->slots + (size_t)slot * SLOT_SIZE, data, length);
    w->lengths[slot] = (uint32_t)length;
    w->produce_slot = slot + 1 == w->capacity ? 0 : slot + 1;
    atomic_fetch_add(&w->queued, 1); /* publishes the slot */
    if (atomic_load(&w->writer_waiting)) ring_bell(w);
  } else if (accepted) {
    wait_until_at_most(w, 0);
    count_result(w, write_once(w->fd, data, length), length);
  }
  napi_value result;
  napi_get_boolean(env, accepted, &result);
  return result;
}

/* counts() -> [written, refused, failed, queued] */
static napi_value writer_js_counts(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  struct writer *w = this_writer(env, info, &argc, NULL);
  double values[4] = {
      (double)atomic_load(&w->written),
      (double)atomic_load(&w->refused),
      (double)atomic_load(&w->failed),
      (double)(atomic_load(&w->queued) - atomic_load(&w->done)),
  };
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
    err = pthread_create(&w->thread, NULL, writer_main, w);
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
