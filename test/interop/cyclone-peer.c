/* Interop peer on the Cyclone DDS 0.10 C API (dds_*). Built by test/interop/peers.ts with the
 * descriptor idlc generates from peer.idl. Same command line and output as fastdds-peer.cpp:
 *
 *   peer pub|sub --topic NAME --count N --size BYTES [--reliable|--best-effort] [--transient-local]
 *        [--depth D | --keep-all] [--domain ID] [--wait-for-match MS] [--timeout MS]
 *        [--interval-us US] [--await-go] [--await-writer] [--linger MS] [--idle MS]
 *        [--deadline MS] [--manual-liveliness MS] [--assert-for MS]
 *
 * --deadline: the DEADLINE period offered (pub) or requested (sub). --manual-liveliness: MANUAL_BY_TOPIC
 * liveliness with that lease (a sub then emits a "liveliness" line at each change of its
 * liveliness-changed status). --assert-for: after the acknowledgements, assert the writer's
 * liveliness (dds_assert_liveliness) every 50 ms for that long, then emit "asserted".
 *
 * Default Cyclone configuration (CYCLONEDDS_URI is honoured if set): inside the loopback-only
 * namespace it picks lo, with multicast. Single-threaded: a waitset reports matches and data. */
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dds/dds.h"
#include "peer.h"

typedef struct {
  bool pub;
  const char *topic;
  uint64_t count;
  uint32_t size;
  bool reliable;
  bool transient_local;
  int32_t depth; /* 0: KEEP_ALL */
  uint32_t domain;
  long wait_for_match_ms, timeout_ms, interval_us, linger_ms, idle_ms;
  long deadline_ms, manual_liveliness_ms, assert_for_ms; /* 0: infinite / AUTOMATIC / none */
  bool await_go, await_writer;
} options_t;

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
  (void) sig;
  stop_requested = 1;
}

/* One JSON object per line on stdout, flushed at once. */
static void emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  fflush(stdout);
}

static void fail(const char *message, dds_return_t rc) {
  emit("{\"event\":\"error\",\"vendor\":\"cyclone\",\"message\":\"%s\",\"rc\":%d}", message, (int) rc);
  fprintf(stderr, "cyclone-peer: %s (%s)\n", message, dds_strretcode(rc));
  exit(2);
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long parse_number(int argc, char **argv, int *i) {
  if (*i + 1 >= argc) fail("option needs a value", 0);
  char *end = NULL;
  long v = strtol(argv[++*i], &end, 10);
  if (*end != 0 || v < 0) fail("bad number", 0);
  return v;
}

static options_t parse(int argc, char **argv) {
  options_t o = {.reliable = true, .wait_for_match_ms = 10000, .timeout_ms = 30000};
  if (argc < 2) fail("usage: peer pub|sub --topic NAME --count N --size BYTES [options]", 0);
  if (strcmp(argv[1], "pub") == 0)
    o.pub = true;
  else if (strcmp(argv[1], "sub") != 0)
    fail("first argument must be pub or sub", 0);
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--topic") == 0 && i + 1 < argc) o.topic = argv[++i];
    else if (strcmp(a, "--count") == 0) o.count = (uint64_t) parse_number(argc, argv, &i);
    else if (strcmp(a, "--size") == 0) o.size = (uint32_t) parse_number(argc, argv, &i);
    else if (strcmp(a, "--reliable") == 0) o.reliable = true;
    else if (strcmp(a, "--best-effort") == 0) o.reliable = false;
    else if (strcmp(a, "--transient-local") == 0) o.transient_local = true;
    else if (strcmp(a, "--depth") == 0) o.depth = (int32_t) parse_number(argc, argv, &i);
    else if (strcmp(a, "--keep-all") == 0) o.depth = 0;
    else if (strcmp(a, "--domain") == 0) o.domain = (uint32_t) parse_number(argc, argv, &i);
    else if (strcmp(a, "--wait-for-match") == 0) o.wait_for_match_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--timeout") == 0) o.timeout_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--interval-us") == 0) o.interval_us = parse_number(argc, argv, &i);
    else if (strcmp(a, "--await-go") == 0) o.await_go = true;
    else if (strcmp(a, "--await-writer") == 0) o.await_writer = true;
    else if (strcmp(a, "--linger") == 0) o.linger_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--idle") == 0) o.idle_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--deadline") == 0) o.deadline_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--manual-liveliness") == 0) o.manual_liveliness_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--assert-for") == 0) o.assert_for_ms = parse_number(argc, argv, &i);
    else fail("unknown option", 0);
  }
  if (o.topic == NULL) fail("--topic is required", 0);
  return o;
}

static dds_qos_t *endpoint_qos(const options_t *o) {
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, o->reliable ? DDS_RELIABILITY_RELIABLE : DDS_RELIABILITY_BEST_EFFORT, DDS_SECS(1));
  dds_qset_durability(qos, o->transient_local ? DDS_DURABILITY_TRANSIENT_LOCAL : DDS_DURABILITY_VOLATILE);
  dds_history_kind_t kind = o->depth > 0 ? DDS_HISTORY_KEEP_LAST : DDS_HISTORY_KEEP_ALL;
  dds_qset_history(qos, kind, o->depth > 0 ? o->depth : 0);
  /* Cyclone keeps for late joiners what DURABILITY_SERVICE's history says (default KEEP_LAST 1),
     not what HISTORY says: make them agree, as rmw_cyclonedds does. */
  dds_qset_durability_service(qos, 0, kind, o->depth > 0 ? o->depth : 0, DDS_LENGTH_UNLIMITED,
                              DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED);
  if (o->deadline_ms > 0) dds_qset_deadline(qos, DDS_MSECS(o->deadline_ms));
  if (o->manual_liveliness_ms > 0)
    dds_qset_liveliness(qos, DDS_LIVELINESS_MANUAL_BY_TOPIC, DDS_MSECS(o->manual_liveliness_ms));
  return qos;
}

/* Reports match changes of an entity whose status changed. Returns the current match count. */
static int32_t note_matches(dds_entity_t entity, bool pub) {
  uint32_t status = 0;
  dds_take_status(entity, &status, pub ? DDS_PUBLICATION_MATCHED_STATUS : DDS_SUBSCRIPTION_MATCHED_STATUS);
  int32_t current, change;
  if (pub) {
    dds_publication_matched_status_t s;
    dds_get_publication_matched_status(entity, &s);
    current = (int32_t) s.current_count;
    change = s.current_count_change;
  } else {
    dds_subscription_matched_status_t s;
    dds_get_subscription_matched_status(entity, &s);
    current = (int32_t) s.current_count;
    change = s.current_count_change;
  }
  if (change != 0)
    emit("{\"event\":\"%s\",\"vendor\":\"cyclone\",\"current\":%d}", change > 0 ? "matched" : "unmatched",
         (int) current);
  return current;
}

static void sleep_ms(long ms) { dds_sleepfor(DDS_MSECS(ms)); }

/* Blocks until a line arrives on stdin (the harness says "go"), or timeout / signal. */
static bool await_go(long timeout_ms) {
  long start = now_ms();
  while (!stop_requested && now_ms() - start < timeout_ms) {
    struct pollfd p = {0, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char line[64];
      return fgets(line, sizeof line, stdin) != NULL;
    }
  }
  return false;
}

static int run_pub(const options_t *o, dds_entity_t participant, dds_entity_t topic) {
  dds_qos_t *qos = endpoint_qos(o);
  dds_entity_t writer = dds_create_writer(participant, topic, qos, NULL);
  dds_delete_qos(qos);
  if (writer < 0) fail("dds_create_writer failed", writer);
  dds_set_status_mask(writer, DDS_PUBLICATION_MATCHED_STATUS);
  dds_entity_t ws = dds_create_waitset(participant);
  dds_waitset_attach(ws, writer, writer);
  emit("{\"event\":\"ready\",\"vendor\":\"cyclone\",\"role\":\"pub\",\"type\":\"%s\"}",
       interop_InteropSample_desc.m_typename);

  /* matched: whether a reader had matched when publishing began (without waiting if MS is 0). */
  bool matched = note_matches(writer, true) > 0;
  for (long start = now_ms(); !matched && !stop_requested && now_ms() - start < o->wait_for_match_ms;) {
    if (dds_waitset_wait(ws, NULL, 0, DDS_MSECS(100)) > 0) matched = note_matches(writer, true) > 0;
  }
  if (!matched && o->wait_for_match_ms > 0) emit("{\"event\":\"match-timeout\",\"vendor\":\"cyclone\"}");
  if (o->await_go && !await_go(o->timeout_ms)) fail("no go line on stdin", 0);

  long start = now_ms();
  uint64_t published = 0;
  interop_InteropSample sample;
  sample.data._buffer = dds_sequence_octet_allocbuf(o->size > 0 ? o->size : 1);
  sample.data._length = sample.data._maximum = o->size;
  sample.data._release = true;
  for (uint64_t seq = 1; seq <= o->count && !stop_requested; seq++) {
    for (uint32_t i = 0; i < o->size; i++) sample.data._buffer[i] = (uint8_t) (seq + i);
    sample.seq = seq;
    dds_return_t rc;
    /* KEEP_ALL blocks up to max_blocking_time when the writer history is full: retry. */
    while ((rc = dds_write(writer, &sample)) == DDS_RETCODE_TIMEOUT && !stop_requested) {
      if (now_ms() - start > o->timeout_ms) break;
    }
    if (rc != DDS_RETCODE_OK) fail("dds_write failed", rc);
    published++;
    if (o->interval_us > 0) dds_sleepfor(DDS_USECS(o->interval_us));
  }
  dds_free(sample.data._buffer);
  emit("{\"event\":\"published\",\"vendor\":\"cyclone\",\"count\":%llu,\"elapsedMs\":%ld}",
       (unsigned long long) published, now_ms() - start);

  long left = o->timeout_ms - (now_ms() - start);
  bool acked = dds_wait_for_acks(writer, DDS_MSECS(left > 0 ? left : 0)) == DDS_RETCODE_OK;
  long elapsed = now_ms() - start;
  emit("{\"event\":\"acked\",\"vendor\":\"cyclone\",\"ok\":%s,\"elapsedMs\":%ld}", acked ? "true" : "false", elapsed);
  if (o->assert_for_ms > 0) {
    for (long t = now_ms(); !stop_requested && now_ms() - t < o->assert_for_ms;) {
      dds_assert_liveliness(writer);
      sleep_ms(50);
    }
    emit("{\"event\":\"asserted\",\"vendor\":\"cyclone\"}");
  }
  for (long t = now_ms(); !stop_requested && now_ms() - t < o->linger_ms;) {
    if (dds_waitset_wait(ws, NULL, 0, DDS_MSECS(20)) > 0) note_matches(writer, true);
  }
  emit("{\"published\":%llu,\"acked\":%s,\"matched\":%s,\"elapsedMs\":%ld}", (unsigned long long) published,
       acked ? "true" : "false", matched ? "true" : "false", elapsed);
  return published == o->count && acked ? 0 : 1;
}

typedef struct {
  uint8_t *seen;
  uint64_t received, duplicates, bad, first, last;
  bool in_order;
  long t_first, t_last;
} received_t;

static void note_sample(const options_t *o, received_t *r, const interop_InteropSample *s) {
  long now = now_ms();
  uint64_t seq = s->seq;
  bool good = seq >= 1 && seq <= o->count && s->data._length == o->size;
  for (uint32_t i = 0; good && i < s->data._length; i++) good = s->data._buffer[i] == (uint8_t) (seq + i);
  if (!good) {
    r->bad++;
  } else if (r->seen[seq]) {
    r->duplicates++;
  } else {
    if (r->received == 0) {
      r->first = seq;
      r->t_first = now;
    } else if (seq < r->last) {
      r->in_order = false;
    }
    r->seen[seq] = 1;
    r->received++;
    r->last = seq;
    r->t_last = now;
  }
}

/* Waits until the DCPSPublication builtin topic shows a writer of our topic. */
static bool await_writer(const options_t *o, dds_entity_t participant) {
  dds_entity_t rd = dds_create_reader(participant, DDS_BUILTIN_TOPIC_DCPSPUBLICATION, NULL, NULL);
  if (rd < 0) fail("cannot read DCPSPublication", rd);
  dds_entity_t ws = dds_create_waitset(participant);
  dds_set_status_mask(rd, DDS_DATA_AVAILABLE_STATUS);
  dds_waitset_attach(ws, rd, rd);
  bool found = false;
  for (long start = now_ms(); !found && !stop_requested && now_ms() - start < o->timeout_ms;) {
    if (dds_waitset_wait(ws, NULL, 0, DDS_MSECS(100)) <= 0) continue;
    void *samples[16] = {NULL};
    dds_sample_info_t infos[16];
    dds_return_t n = dds_take(rd, samples, infos, 16, 16);
    for (dds_return_t i = 0; i < n; i++) {
      const dds_builtintopic_endpoint_t *ep = samples[i];
      if (infos[i].valid_data && strcmp(ep->topic_name, o->topic) == 0) found = true;
    }
    if (n > 0) dds_return_loan(rd, samples, n);
  }
  dds_delete(ws);
  dds_delete(rd);
  return found;
}

/* Reports a change of the reader's liveliness-changed status. */
static void note_liveliness(dds_entity_t reader) {
  dds_liveliness_changed_status_t s;
  if (dds_get_liveliness_changed_status(reader, &s) != DDS_RETCODE_OK) return;
  if (s.alive_count_change == 0 && s.not_alive_count_change == 0) return;
  emit("{\"event\":\"liveliness\",\"vendor\":\"cyclone\",\"alive\":%u,\"notAlive\":%u}", s.alive_count,
       s.not_alive_count);
}

static int run_sub(const options_t *o, dds_entity_t participant, dds_entity_t topic) {
  if (o->await_writer) {
    if (!await_writer(o, participant)) fail("no writer of the topic discovered", 0);
    emit("{\"event\":\"writer-discovered\",\"vendor\":\"cyclone\"}");
  }
  dds_qos_t *qos = endpoint_qos(o);
  dds_entity_t reader = dds_create_reader(participant, topic, qos, NULL);
  dds_delete_qos(qos);
  if (reader < 0) fail("dds_create_reader failed", reader);
  dds_set_status_mask(reader, DDS_SUBSCRIPTION_MATCHED_STATUS | DDS_DATA_AVAILABLE_STATUS |
                                  (o->manual_liveliness_ms > 0 ? DDS_LIVELINESS_CHANGED_STATUS : 0));
  dds_entity_t ws = dds_create_waitset(participant);
  dds_waitset_attach(ws, reader, reader);
  emit("{\"event\":\"ready\",\"vendor\":\"cyclone\",\"role\":\"sub\",\"type\":\"%s\"}",
       interop_InteropSample_desc.m_typename);

  received_t r = {.seen = calloc(o->count + 1, 1), .in_order = true};
  enum { BATCH = 64 };
  void *samples[BATCH];
  dds_sample_info_t infos[BATCH];
  long start = now_ms();
  while (r.received < o->count && !stop_requested && now_ms() - start < o->timeout_ms) {
    if (o->idle_ms > 0 && r.received > 0 && now_ms() - r.t_last >= o->idle_ms) break;
    if (dds_waitset_wait(ws, NULL, 0, DDS_MSECS(20)) <= 0) continue;
    note_matches(reader, false);
    if (o->manual_liveliness_ms > 0) note_liveliness(reader);
    dds_return_t n;
    do {
      samples[0] = NULL; /* NULL buffers: take on loan */
      n = dds_take(reader, samples, infos, BATCH, BATCH);
      for (dds_return_t i = 0; i < n; i++)
        if (infos[i].valid_data) note_sample(o, &r, samples[i]);
      if (n > 0) dds_return_loan(reader, samples, n);
    } while (n == BATCH);
  }
  /* Give the acknowledgements of the last samples a moment to leave before the reader goes. */
  if (o->reliable) sleep_ms(200);
  dds_delete(reader);
  free(r.seen);
  emit("{\"received\":%llu,\"inOrder\":%s,\"duplicates\":%llu,\"firstSeq\":%llu,\"lastSeq\":%llu,"
       "\"badData\":%llu,\"elapsedMs\":%ld}",
       (unsigned long long) r.received, r.in_order ? "true" : "false", (unsigned long long) r.duplicates,
       (unsigned long long) r.first, (unsigned long long) r.last, (unsigned long long) r.bad,
       r.received > 0 ? r.t_last - r.t_first : 0L);
  return r.received == o->count && r.in_order && r.duplicates == 0 && r.bad == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  options_t o = parse(argc, argv);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);

  dds_entity_t participant = dds_create_participant(o.domain, NULL, NULL);
  if (participant < 0) fail("dds_create_participant failed", participant);
  dds_entity_t topic = dds_create_topic(participant, &interop_InteropSample_desc, o.topic, NULL, NULL);
  if (topic < 0) fail("dds_create_topic failed", topic);

  int code = o.pub ? run_pub(&o, participant, topic) : run_sub(&o, participant, topic);
  dds_delete(participant);
  return code;
}
