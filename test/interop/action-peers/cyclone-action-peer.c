/* A ROS 2 action client or server (example_interfaces/action/Fibonacci) as rcl_action over
 * rmw_cyclonedds_cpp puts it on the wire, on the Cyclone DDS 0.10 C API with idlc types from
 * action_types.idl and action_srv_cyclone.idl (idlc -t: no type information in SEDP, as rmw's own
 * sertype). Built by test/interop/action-peers/action-peers.ts; same command line and output as
 * fastdds-action-peer.cpp:
 *
 *   peer action-client ACTION | action-server ACTION | status-watch ACTION
 *        [--order N] [--cancel-after K] [--interval MS] [--count N] [--node NAME] [--namespace NS]
 *        [--domain ID] [--timeout MS] [--linger MS] [--startup MS]
 *
 * Names (rcl_action names.c): `<ACTION>/_action/{send_goal,cancel_goal,get_result}` services (DDS
 * `rq/…Request`, `rr/…Reply`), `<ACTION>/_action/{feedback,status}` topics (DDS `rt/…`). QoS as
 * rmw_cyclonedds: RELIABLE (max_blocking_time infinite), VOLATILE, KEEP_LAST 10, XCDR1; status
 * TRANSIENT_LOCAL KEEP_LAST 1 (rcl_action_qos_profile_status_default) with a matching
 * durability_service; ros_discovery_info as in the rmw peers. USER_DATA `typehash=RIHS01_…;`.
 * Service correlation: the {uint64 guid; int64 seq} header that begins every request and reply
 * payload; a client's guid is its request writer's instance handle, seq a process-wide counter
 * from 1; the server echoes both.
 *
 * Cyclone configuration: ParticipantIndex auto (max 32), then CYCLONEDDS_URI. Single-threaded,
 * polling its readers. */
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action_srv_cyclone.h"
#include "action_types.h"
#include "dds/dds.h"

#define SEND_GOAL_REQUEST_HASH "RIHS01_3d088942b413247db536576f0286768c6be8fcd5d0c9a5d544f359fba090a238"
#define SEND_GOAL_RESPONSE_HASH "RIHS01_d8c07bb3d5b766fe4b43159c9a5222af5214e2fcc29229b991d826166c512be1"
#define GET_RESULT_REQUEST_HASH "RIHS01_c8a4f5e7d13b81286ee1043e2ecd084281cecf1ff06aaa799464f5f15479f003"
#define GET_RESULT_RESPONSE_HASH "RIHS01_6021dc98ab9b4bbe395e48aa4de81ee5f68eb570f88358affcc648146668b24f"
#define CANCEL_REQUEST_HASH "RIHS01_3d3c84653c1f96918086887e1dcb236faec88b81a5b14fd4cf4840065bcdf8af"
#define CANCEL_RESPONSE_HASH "RIHS01_35e682cf3f510e83c70a82a4aac888496dedee56773bf9d8e5e0aa81f9e1c960"
#define FEEDBACK_HASH "RIHS01_c1de71afd52e49a89c53d8262366884185bc0a02f78ce051c4e46b0a7fe59bb2"
#define STATUS_HASH "RIHS01_6c1684b00f177d37438febe6e709fc4e2b0d4248dca4854946f9ed8b30cda83e"
#define GRAPH_HASH "RIHS01_91a0593bacdcc50ea9bdcf849a938b128412cc1ea821245c663bcd26f83c295e"
#define MAX_ENDPOINTS 8
#define MAX_GOALS 64
#define MAX_WAITING 8
/* fib(46) is the last that fits an int32; the sequence of order N has N + 1 numbers. */
#define MAX_ORDER 45
#define DEFAULT_CONFIG                                                                                     \
  "<CycloneDDS><Domain id=\"any\"><Discovery><ParticipantIndex>auto</ParticipantIndex>"                 \
  "<MaxAutoParticipantIndex>32</MaxAutoParticipantIndex></Discovery></Domain></CycloneDDS>"

enum { UNKNOWN = 0, ACCEPTED, EXECUTING, CANCELING, SUCCEEDED, CANCELED, ABORTED };
enum { ERROR_NONE = 0, ERROR_REJECTED, ERROR_UNKNOWN_GOAL_ID, ERROR_GOAL_TERMINATED };

typedef example_interfaces_action_dds__Fibonacci_SendGoal_Request_ goal_request_t;
typedef example_interfaces_action_dds__Fibonacci_SendGoal_Response_ goal_response_t;
typedef example_interfaces_action_dds__Fibonacci_GetResult_Request_ result_request_t;
typedef example_interfaces_action_dds__Fibonacci_GetResult_Response_ result_response_t;
typedef example_interfaces_action_dds__Fibonacci_FeedbackMessage_ feedback_t;
typedef action_msgs_srv_dds__CancelGoal_Request_ cancel_request_t;
typedef action_msgs_srv_dds__CancelGoal_Response_ cancel_response_t;
typedef action_msgs_msg_dds__GoalStatusArray_ status_array_t;
typedef action_msgs_msg_dds__GoalStatus_ goal_status_t;
typedef action_msgs_msg_dds__GoalInfo_ goal_info_t;
typedef builtin_interfaces_msg_dds__Time_ stamp_t;
typedef rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ graph_msg_t;
typedef rmw_dds_common_msg_dds__NodeEntitiesInfo_ node_info_t;
typedef rmw_dds_common_msg_dds__Gid_ gid_t_;

typedef struct {
  const char *command;
  const char *action; /* ROS name */
  long order;
  long cancel_after; /* client: cancel after this many feedbacks (0: never) */
  long interval_ms;  /* server: between Fibonacci steps */
  long count;        /* server: goals to finish before exiting; status-watch: samples (0: 1) */
  char node[257];
  const char *ns;
  uint32_t domain;
  long timeout_ms; /* 0: no limit */
  long linger_ms;
  long startup_ms;
} options_t;

typedef struct {
  dds_entity_t participant;
  dds_guid_t guid;
  uint8_t readers[MAX_ENDPOINTS][16], writers[MAX_ENDPOINTS][16];
  uint32_t nreaders, nwriters;
  dds_entity_t graph_writer, graph_reader;
} node_t;

static volatile sig_atomic_t stop_requested = 0;
static node_t node;

static void on_signal(int sig) {
  (void) sig;
  stop_requested = 1;
}

static void emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  flockfile(stdout);
  vfprintf(stdout, fmt, ap);
  fputc('\n', stdout);
  fflush(stdout);
  funlockfile(stdout);
  va_end(ap);
}

static void fail(const char *message, dds_return_t rc) {
  emit("{\"event\":\"error\",\"vendor\":\"cyclone\",\"message\":\"%s\",\"rc\":%d}", message, (int) rc);
  fprintf(stderr, "cyclone-action-peer: %s (%s)\n", message, dds_strretcode(rc));
  exit(2);
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool timed_out(const options_t *o, long start) { return o->timeout_ms > 0 && now_ms() - start >= o->timeout_ms; }

static long parse_number(int argc, char **argv, int *i) {
  if (*i + 1 >= argc) fail("option needs a value", 0);
  char *end = NULL;
  long v = strtol(argv[++*i], &end, 10);
  if (*end != 0 || v < 0) fail("bad number", 0);
  return v;
}

static options_t parse(int argc, char **argv) {
  options_t o = {.ns = "/", .order = 10, .interval_ms = 50, .timeout_ms = 60000};
  if (argc < 3 || argv[2][0] == '-') fail("usage: peer action-client|action-server|status-watch ACTION [options]", 0);
  o.command = argv[1];
  if (strcmp(o.command, "action-client") != 0 && strcmp(o.command, "action-server") != 0 &&
      strcmp(o.command, "status-watch") != 0)
    fail("unknown subcommand", 0);
  o.action = argv[2];
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--order") == 0) o.order = parse_number(argc, argv, &i);
    else if (strcmp(a, "--cancel-after") == 0) o.cancel_after = parse_number(argc, argv, &i);
    else if (strcmp(a, "--interval") == 0) o.interval_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--count") == 0) o.count = parse_number(argc, argv, &i);
    else if (strcmp(a, "--node") == 0 && i + 1 < argc) snprintf(o.node, sizeof o.node, "%s", argv[++i]);
    else if (strcmp(a, "--namespace") == 0 && i + 1 < argc) o.ns = argv[++i];
    else if (strcmp(a, "--domain") == 0) o.domain = (uint32_t) parse_number(argc, argv, &i);
    else if (strcmp(a, "--timeout") == 0) o.timeout_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--linger") == 0) o.linger_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--startup") == 0) o.startup_ms = parse_number(argc, argv, &i);
    else fail("unknown option", 0);
  }
  if (o.order > MAX_ORDER) fail("--order is at most 45 (int32 Fibonacci numbers)", 0);
  if (o.node[0] == 0) {
    snprintf(o.node, sizeof o.node, "cyclone_%s", o.command);
    for (char *c = o.node; *c; c++)
      if (*c == '-') *c = '_';
  }
  return o;
}

/* prefix + "<action>/_action/<what>" (leading slash dropped) + suffix: "rq/fib/_action/send_goalRequest". */
static char *action_name(const char *prefix, const options_t *o, const char *what, const char *suffix) {
  static char buf[4][512];
  static int next = 0;
  char *out = buf[next++ % 4];
  snprintf(out, 512, "%s%s/_action/%s%s", prefix, o->action[0] == '/' ? o->action + 1 : o->action, what, suffix);
  return out;
}

static void hex(char *out, const uint8_t *bytes, size_t n) {
  for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", bytes[i]);
  out[2 * n] = 0;
}

static void json_gids(char *out, const uint8_t (*gids)[16], uint32_t n) {
  char *p = out;
  *p++ = '[';
  for (uint32_t i = 0; i < n; i++) {
    if (i) *p++ = ',';
    *p++ = '"';
    hex(p, gids[i], 16);
    p += 32;
    *p++ = '"';
  }
  *p++ = ']';
  *p = 0;
}

static void json_string(char *out, const char *s) {
  char *p = out;
  *p++ = '"';
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') {
      *p++ = '\\';
      *p++ = *s;
    } else if ((unsigned char) *s < 0x20) {
      p += sprintf(p, "\\u%04x", *s);
    } else {
      *p++ = *s;
    }
  }
  *p++ = '"';
  *p = 0;
}

/* "[0,1,1,2]" of n int32s (out has room for 12 characters per number). */
static void json_ints(char *out, const int32_t *v, uint32_t n) {
  char *p = out;
  *p++ = '[';
  for (uint32_t i = 0; i < n; i++) p += sprintf(p, "%s%d", i ? "," : "", v[i]);
  *p++ = ']';
  *p = 0;
}

/* The QoS rmw_cyclonedds gives a ROS endpoint (create_readwrite_qos), with its typehash. */
static dds_qos_t *endpoint_qos(const char *hash, bool transient_local, bool keep_all, int32_t depth) {
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_INFINITY);
  dds_qset_durability(qos, transient_local ? DDS_DURABILITY_TRANSIENT_LOCAL : DDS_DURABILITY_VOLATILE);
  dds_qset_history(qos, keep_all ? DDS_HISTORY_KEEP_ALL : DDS_HISTORY_KEEP_LAST, keep_all ? 0 : depth);
  if (transient_local)
    dds_qset_durability_service(qos, 0, keep_all ? DDS_HISTORY_KEEP_ALL : DDS_HISTORY_KEEP_LAST, keep_all ? 0 : depth,
                                DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED);
  dds_data_representation_id_t xcdr1 = DDS_DATA_REPRESENTATION_XCDR1;
  dds_qset_data_representation(qos, 1, &xcdr1);
  char typehash[128];
  int n = snprintf(typehash, sizeof typehash, "typehash=%s;", hash);
  dds_qset_userdata(qos, typehash, (size_t) n);
  return qos;
}

static dds_entity_t make_topic(const dds_topic_descriptor_t *desc, const char *name) {
  dds_entity_t t = dds_create_topic(node.participant, desc, name, NULL, NULL);
  if (t < 0) fail("dds_create_topic failed", t);
  return t;
}

static dds_entity_t make_writer(dds_entity_t topic, dds_qos_t *qos, bool listed) {
  dds_entity_t w = dds_create_writer(node.participant, topic, qos, NULL);
  dds_delete_qos(qos);
  if (w < 0) fail("dds_create_writer failed", w);
  if (listed) {
    dds_guid_t g;
    dds_get_guid(w, &g);
    memcpy(node.writers[node.nwriters++], g.v, 16);
  }
  return w;
}

static dds_entity_t make_reader(dds_entity_t topic, dds_qos_t *qos, bool listed) {
  dds_entity_t r = dds_create_reader(node.participant, topic, qos, NULL);
  dds_delete_qos(qos);
  if (r < 0) fail("dds_create_reader failed", r);
  if (listed) {
    dds_guid_t g;
    dds_get_guid(r, &g);
    memcpy(node.readers[node.nreaders++], g.v, 16);
  }
  return r;
}

static void create_graph(void) {
  dds_entity_t t = make_topic(&rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc, "ros_discovery_info");
  /* The context's endpoints belong to no node: not listed. */
  node.graph_writer = make_writer(t, endpoint_qos(GRAPH_HASH, true, false, 1), false);
  dds_qos_t *rq = endpoint_qos(GRAPH_HASH, true, true, 0);
  dds_qset_ignorelocal(rq, DDS_IGNORELOCAL_PARTICIPANT);
  node.graph_reader = make_reader(t, rq, false);
}

/* One complete snapshot of this participant's one node, as rmw_dds_common publishes it. */
static void publish_graph(const options_t *o) {
  gid_t_ readers[MAX_ENDPOINTS], writers[MAX_ENDPOINTS];
  for (uint32_t i = 0; i < node.nreaders; i++) memcpy(readers[i].data, node.readers[i], 16);
  for (uint32_t i = 0; i < node.nwriters; i++) memcpy(writers[i].data, node.writers[i], 16);
  node_info_t ni;
  memset(&ni, 0, sizeof ni);
  snprintf(ni.node_namespace, sizeof ni.node_namespace, "%s", o->ns);
  snprintf(ni.node_name, sizeof ni.node_name, "%s", o->node);
  ni.reader_gid_seq = (dds_sequence_rmw_dds_common_msg_dds__Gid_){node.nreaders, node.nreaders, readers, false};
  ni.writer_gid_seq = (dds_sequence_rmw_dds_common_msg_dds__Gid_){node.nwriters, node.nwriters, writers, false};
  graph_msg_t msg;
  memset(&msg, 0, sizeof msg);
  memcpy(msg.gid.data, node.guid.v, 16);
  msg.node_entities_info_seq._length = msg.node_entities_info_seq._maximum = 1;
  msg.node_entities_info_seq._buffer = &ni;
  dds_return_t rc = dds_write(node.graph_writer, &msg);
  if (rc != DDS_RETCODE_OK) fail("writing ros_discovery_info failed", rc);
}

static void emit_ready(const options_t *o) {
  char r[MAX_ENDPOINTS * 36 + 3], w[MAX_ENDPOINTS * 36 + 3], name[6 * 257], ns[6 * 257], pg[33];
  json_gids(r, (const uint8_t(*)[16]) node.readers, node.nreaders);
  json_gids(w, (const uint8_t(*)[16]) node.writers, node.nwriters);
  json_string(name, o->node);
  json_string(ns, o->ns);
  hex(pg, node.guid.v, 16);
  emit("{\"event\":\"ready\",\"vendor\":\"cyclone\",\"role\":\"%s\",\"node\":%s,\"namespace\":%s,"
       "\"participant\":\"%s\",\"reader_gids\":%s,\"writer_gids\":%s}",
       o->command, name, ns, pg, r, w);
}

static int32_t writer_matches(dds_entity_t w) {
  dds_publication_matched_status_t s;
  dds_get_publication_matched_status(w, &s);
  return (int32_t) s.current_count;
}

static int32_t reader_matches(dds_entity_t r) {
  dds_subscription_matched_status_t s;
  dds_get_subscription_matched_status(r, &s);
  return (int32_t) s.current_count;
}

/* One service client as rmw_cyclonedds makes it: request writer, reply reader, and the request
 * writer's instance handle as the header guid. */
typedef struct {
  dds_entity_t writer, reader;
  uint64_t guid;
} service_client_t;

static int64_t next_request_seq = 0; /* process-wide, pre-incremented: the first request is 1 */

static service_client_t make_client(const options_t *o, const char *what, const dds_topic_descriptor_t *req,
                                    const char *req_hash, const dds_topic_descriptor_t *rep, const char *rep_hash) {
  service_client_t c;
  c.writer = make_writer(make_topic(req, action_name("rq/", o, what, "Request")),
                         endpoint_qos(req_hash, false, false, 10), true);
  c.reader = make_reader(make_topic(rep, action_name("rr/", o, what, "Reply")),
                         endpoint_qos(rep_hash, false, false, 10), true);
  dds_instance_handle_t h;
  dds_return_t rc = dds_get_instance_handle(c.writer, &h);
  if (rc != DDS_RETCODE_OK) fail("dds_get_instance_handle failed", rc);
  c.guid = h;
  return c;
}

static bool client_matched(const service_client_t *c) {
  return writer_matches(c->writer) > 0 && reader_matches(c->reader) > 0;
}

/* A service server: request reader, reply writer. */
typedef struct {
  dds_entity_t reader, writer;
} service_server_t;

static service_server_t make_server(const options_t *o, const char *what, const dds_topic_descriptor_t *req,
                                    const char *req_hash, const dds_topic_descriptor_t *rep, const char *rep_hash) {
  service_server_t s;
  s.reader = make_reader(make_topic(req, action_name("rq/", o, what, "Request")),
                         endpoint_qos(req_hash, false, false, 10), true);
  s.writer = make_writer(make_topic(rep, action_name("rr/", o, what, "Reply")),
                         endpoint_qos(rep_hash, false, false, 10), true);
  return s;
}

static bool server_matched(const service_server_t *s) {
  return reader_matches(s->reader) > 0 && writer_matches(s->writer) > 0;
}

/* Takes one valid sample on loan into *sample (dds_return_loan it after); false when none. */
static bool take_one(dds_entity_t reader, void **sample) {
  dds_sample_info_t info;
  for (;;) {
    sample[0] = NULL;
    if (dds_take(reader, sample, &info, 1, 1) != 1) return false;
    if (info.valid_data) return true;
    dds_return_loan(reader, sample, 1);
  }
}

static void random_uuid(uint8_t id[16]) {
  FILE *f = fopen("/dev/urandom", "rb");
  if (f == NULL || fread(id, 1, 16, f) != 16) fail("reading /dev/urandom failed", 0);
  fclose(f);
}

/* ---------------------------------------------------------------------------------------------
 * action-client: one goal, as rclcpp_action's client sends it (get_result right after acceptance). */

static int run_client(const options_t *o) {
  /* rcl_action_client_init's order: goal, cancel and result clients, feedback, status. */
  service_client_t goal_client =
      make_client(o, "send_goal", &example_interfaces_action_dds__Fibonacci_SendGoal_Request__desc, SEND_GOAL_REQUEST_HASH,
                  &example_interfaces_action_dds__Fibonacci_SendGoal_Response__desc, SEND_GOAL_RESPONSE_HASH);
  service_client_t cancel_client =
      make_client(o, "cancel_goal", &action_msgs_srv_dds__CancelGoal_Request__desc, CANCEL_REQUEST_HASH,
                  &action_msgs_srv_dds__CancelGoal_Response__desc, CANCEL_RESPONSE_HASH);
  service_client_t result_client = make_client(
      o, "get_result", &example_interfaces_action_dds__Fibonacci_GetResult_Request__desc, GET_RESULT_REQUEST_HASH,
      &example_interfaces_action_dds__Fibonacci_GetResult_Response__desc, GET_RESULT_RESPONSE_HASH);
  dds_entity_t feedback = make_reader(
      make_topic(&example_interfaces_action_dds__Fibonacci_FeedbackMessage__desc, action_name("rt/", o, "feedback", "")),
      endpoint_qos(FEEDBACK_HASH, false, false, 10), true);
  dds_entity_t status = make_reader(
      make_topic(&action_msgs_msg_dds__GoalStatusArray__desc, action_name("rt/", o, "status", "")),
      endpoint_qos(STATUS_HASH, true, false, 1), true);
  publish_graph(o);
  emit_ready(o);

  long start = now_ms();
  /* rcl_action_server_is_available: the three services and both topics have a match. */
  while (!(client_matched(&goal_client) && client_matched(&cancel_client) && client_matched(&result_client) &&
           reader_matches(feedback) > 0 && reader_matches(status) > 0)) {
    if (stop_requested || timed_out(o, start)) fail("no action server matched", 0);
    dds_sleepfor(DDS_MSECS(10));
  }
  emit("{\"event\":\"matched\",\"vendor\":\"cyclone\"}");

  uint8_t id[16];
  random_uuid(id);
  char idhex[33];
  hex(idhex, id, 16);
  goal_request_t goal;
  memset(&goal, 0, sizeof goal);
  goal.guid_ = goal_client.guid;
  goal.seq_ = ++next_request_seq;
  memcpy(goal.goal_id.uuid, id, 16);
  goal.goal.order = (int32_t) o->order;
  dds_return_t rc = dds_write(goal_client.writer, &goal);
  if (rc != DDS_RETCODE_OK) fail("writing the goal request failed", rc);
  emit("{\"event\":\"goal\",\"vendor\":\"cyclone\",\"goal_id\":\"%s\",\"order\":%ld,\"seq\":%lld}", idhex, o->order,
       (long long) goal.seq_);

  bool accepted = false, have_result = false, cancel_sent = false;
  int64_t result_seq = -1, cancel_seq = -1;
  long feedbacks = 0, others = 0, result_at = 0;
  int last_status = -1, result_status = -1;
  char ints[12 * (MAX_ORDER + 2) + 8];
  for (;;) {
    if (stop_requested || timed_out(o, start)) {
      emit("{\"event\":\"timeout\",\"vendor\":\"cyclone\",\"accepted\":%s,\"feedbacks\":%ld,\"result\":%s}",
           accepted ? "true" : "false", feedbacks, have_result ? "true" : "false");
      return 1;
    }
    bool idle = true;
    void *s[1];
    while (take_one(goal_client.reader, s)) {
      const goal_response_t *r = s[0];
      idle = false;
      /* rmw_take_response: only replies carrying our guid. */
      if (r->guid_ == goal_client.guid && r->seq_ == goal.seq_) {
        bool ok = r->accepted;
        emit("{\"event\":\"accepted\",\"vendor\":\"cyclone\",\"accepted\":%s,\"stamp_sec\":%d,\"stamp_nanosec\":%u}",
             ok ? "true" : "false", r->stamp.sec, r->stamp.nanosec);
        dds_return_loan(goal_client.reader, s, 1);
        if (!ok) return 3;
        accepted = true;
        result_request_t get = {.guid_ = result_client.guid, .seq_ = ++next_request_seq};
        memcpy(get.goal_id.uuid, id, 16);
        rc = dds_write(result_client.writer, &get);
        if (rc != DDS_RETCODE_OK) fail("writing the result request failed", rc);
        result_seq = get.seq_;
        emit("{\"event\":\"result_requested\",\"vendor\":\"cyclone\",\"seq\":%lld}", (long long) result_seq);
        continue;
      }
      dds_return_loan(goal_client.reader, s, 1);
    }
    while (take_one(feedback, s)) {
      const feedback_t *f = s[0];
      idle = false;
      if (memcmp(f->goal_id.uuid, id, 16) != 0) {
        others++;
      } else {
        feedbacks++;
        uint32_t n = f->feedback.sequence_._length;
        json_ints(ints, f->feedback.sequence_._buffer, n > MAX_ORDER + 1 ? MAX_ORDER + 1 : n);
        emit("{\"event\":\"feedback\",\"vendor\":\"cyclone\",\"index\":%ld,\"sequence\":%s}", feedbacks, ints);
      }
      dds_return_loan(feedback, s, 1);
      if (o->cancel_after > 0 && feedbacks == o->cancel_after && !cancel_sent) {
        cancel_request_t cancel;
        memset(&cancel, 0, sizeof cancel); /* stamp zero: this goal only */
        cancel.guid_ = cancel_client.guid;
        cancel.seq_ = ++next_request_seq;
        memcpy(cancel.goal_info.goal_id.uuid, id, 16);
        rc = dds_write(cancel_client.writer, &cancel);
        if (rc != DDS_RETCODE_OK) fail("writing the cancel request failed", rc);
        cancel_seq = cancel.seq_;
        cancel_sent = true;
        emit("{\"event\":\"cancel\",\"vendor\":\"cyclone\",\"seq\":%lld}", (long long) cancel_seq);
      }
    }
    while (take_one(status, s)) {
      const status_array_t *a = s[0];
      idle = false;
      for (uint32_t i = 0; i < a->status_list._length; i++) {
        const goal_status_t *g = &a->status_list._buffer[i];
        if (memcmp(g->goal_info.goal_id.uuid, id, 16) != 0 || (int8_t) g->status == last_status) continue;
        last_status = (int8_t) g->status;
        emit("{\"event\":\"status\",\"vendor\":\"cyclone\",\"status\":%d,\"goals\":%u}", last_status,
             a->status_list._length);
      }
      dds_return_loan(status, s, 1);
    }
    while (take_one(cancel_client.reader, s)) {
      const cancel_response_t *r = s[0];
      idle = false;
      if (r->guid_ == cancel_client.guid && r->seq_ == cancel_seq) {
        char ids[36 * MAX_GOALS + 3], *p = ids;
        *p++ = '[';
        for (uint32_t i = 0; i < r->goals_canceling._length && i < MAX_GOALS; i++) {
          p += sprintf(p, "%s\"", i ? "," : "");
          hex(p, r->goals_canceling._buffer[i].goal_id.uuid, 16);
          p += 32;
          *p++ = '"';
        }
        *p++ = ']';
        *p = 0;
        emit("{\"event\":\"cancel_response\",\"vendor\":\"cyclone\",\"return_code\":%d,\"goals_canceling\":%s}",
             (int8_t) r->return_code, ids);
      }
      dds_return_loan(cancel_client.reader, s, 1);
    }
    while (take_one(result_client.reader, s)) {
      const result_response_t *r = s[0];
      idle = false;
      if (r->guid_ == result_client.guid && r->seq_ == result_seq && !have_result) {
        have_result = true;
        result_status = (int8_t) r->status;
        result_at = now_ms();
        uint32_t n = r->result.sequence_._length;
        json_ints(ints, r->result.sequence_._buffer, n > MAX_ORDER + 1 ? MAX_ORDER + 1 : n);
        emit("{\"event\":\"result\",\"vendor\":\"cyclone\",\"status\":%d,\"sequence\":%s}", result_status, ints);
      }
      dds_return_loan(result_client.reader, s, 1);
    }
    /* The terminal status may trail the result (another topic): give it a second. */
    if (have_result && (last_status >= SUCCEEDED || now_ms() - result_at > 1000)) break;
    if (idle) dds_sleepfor(DDS_MSECS(2));
  }
  emit("{\"event\":\"done\",\"vendor\":\"cyclone\",\"status\":%d,\"feedbacks\":%ld,\"other_feedbacks\":%ld}",
       result_status, feedbacks, others);
  return 0;
}

/* ---------------------------------------------------------------------------------------------
 * action-server: the tutorial's Fibonacci, one step per --interval, as rclcpp_action serves it. */

typedef struct {
  uint64_t guid;
  int64_t seq;
} reply_to_t;

typedef struct {
  uint8_t id[16];
  stamp_t stamp;
  int32_t order;
  uint8_t status;
  int32_t sequence[MAX_ORDER + 2];
  uint32_t length;
  long next_step;
  reply_to_t waiting[MAX_WAITING]; /* get_result requests answered when the goal ends */
  uint32_t nwaiting;
} goal_t;

static goal_t goals[MAX_GOALS];
static uint32_t ngoals = 0;

static goal_t *find_goal(const uint8_t id[16]) {
  for (uint32_t i = 0; i < ngoals; i++)
    if (memcmp(goals[i].id, id, 16) == 0) return &goals[i];
  return NULL;
}

static stamp_t now_stamp(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (stamp_t){.sec = (int32_t) ts.tv_sec, .nanosec = (uint32_t) ts.tv_nsec};
}

static void publish_status(dds_entity_t writer) {
  goal_status_t list[MAX_GOALS];
  for (uint32_t i = 0; i < ngoals; i++) {
    memcpy(list[i].goal_info.goal_id.uuid, goals[i].id, 16);
    list[i].goal_info.stamp = goals[i].stamp;
    list[i].status = goals[i].status;
  }
  status_array_t msg = {.status_list = {ngoals, ngoals, list, false}};
  dds_return_t rc = dds_write(writer, &msg);
  if (rc != DDS_RETCODE_OK) fail("writing the status failed", rc);
}

static void transition(dds_entity_t status_writer, goal_t *g, uint8_t to) {
  g->status = to;
  publish_status(status_writer);
  char idhex[33];
  hex(idhex, g->id, 16);
  emit("{\"event\":\"status\",\"vendor\":\"cyclone\",\"goal_id\":\"%s\",\"status\":%d}", idhex, to);
}

static void send_result(dds_entity_t writer, const goal_t *g, reply_to_t to) {
  result_response_t r = {.guid_ = to.guid, .seq_ = to.seq, .status = g->status};
  r.result.sequence_ = (dds_sequence_long){g->length, g->length, (int32_t *) g->sequence, false};
  dds_return_t rc = dds_write(writer, &r);
  if (rc != DDS_RETCODE_OK) fail("writing a result failed", rc);
  char idhex[33];
  hex(idhex, g->id, 16);
  emit("{\"event\":\"result_sent\",\"vendor\":\"cyclone\",\"goal_id\":\"%s\",\"status\":%d,\"sent\":true}", idhex,
       g->status);
}

static int run_server(const options_t *o) {
  service_server_t goal_server =
      make_server(o, "send_goal", &example_interfaces_action_dds__Fibonacci_SendGoal_Request__desc, SEND_GOAL_REQUEST_HASH,
                  &example_interfaces_action_dds__Fibonacci_SendGoal_Response__desc, SEND_GOAL_RESPONSE_HASH);
  service_server_t cancel_server =
      make_server(o, "cancel_goal", &action_msgs_srv_dds__CancelGoal_Request__desc, CANCEL_REQUEST_HASH,
                  &action_msgs_srv_dds__CancelGoal_Response__desc, CANCEL_RESPONSE_HASH);
  service_server_t result_server = make_server(
      o, "get_result", &example_interfaces_action_dds__Fibonacci_GetResult_Request__desc, GET_RESULT_REQUEST_HASH,
      &example_interfaces_action_dds__Fibonacci_GetResult_Response__desc, GET_RESULT_RESPONSE_HASH);
  dds_entity_t feedback = make_writer(
      make_topic(&example_interfaces_action_dds__Fibonacci_FeedbackMessage__desc, action_name("rt/", o, "feedback", "")),
      endpoint_qos(FEEDBACK_HASH, false, false, 10), true);
  dds_entity_t status = make_writer(
      make_topic(&action_msgs_msg_dds__GoalStatusArray__desc, action_name("rt/", o, "status", "")),
      endpoint_qos(STATUS_HASH, true, false, 1), true);
  publish_graph(o);
  emit_ready(o);

  bool matched = false;
  long finished = 0, start = now_ms();
  char idhex[33];
  while (!stop_requested && !timed_out(o, start) && (o->count == 0 || finished < o->count)) {
    bool now_matched = server_matched(&goal_server) && server_matched(&cancel_server) && server_matched(&result_server);
    if (now_matched != matched) emit("{\"event\":\"%s\",\"vendor\":\"cyclone\"}", now_matched ? "matched" : "unmatched");
    matched = now_matched;
    bool idle = true;
    void *s[1];
    while (take_one(goal_server.reader, s)) {
      idle = false;
      const goal_request_t *req = s[0];
      goal_response_t rep = {.guid_ = req->guid_, .seq_ = req->seq_};
      bool accept = find_goal(req->goal_id.uuid) == NULL && ngoals < MAX_GOALS && req->goal.order <= MAX_ORDER;
      rep.accepted = accept;
      hex(idhex, req->goal_id.uuid, 16);
      emit("{\"event\":\"goal\",\"vendor\":\"cyclone\",\"goal_id\":\"%s\",\"order\":%d,\"accepted\":%s,"
           "\"feedback_readers\":%d}",
           idhex, req->goal.order, accept ? "true" : "false", writer_matches(feedback));
      goal_t *g = NULL;
      if (accept) {
        g = &goals[ngoals++];
        memset(g, 0, sizeof *g);
        memcpy(g->id, req->goal_id.uuid, 16);
        g->stamp = now_stamp();
        g->order = req->goal.order;
        g->sequence[0] = 0;
        g->sequence[1] = 1;
        g->length = 2;
        g->next_step = now_ms() + o->interval_ms;
        rep.stamp = g->stamp;
      }
      dds_return_loan(goal_server.reader, s, 1);
      dds_return_t rc = dds_write(goal_server.writer, &rep);
      if (rc != DDS_RETCODE_OK) fail("writing the goal response failed", rc);
      if (g) {
        /* rclcpp_action: ACCEPTED is published, then execute() makes it EXECUTING. */
        transition(status, g, ACCEPTED);
        transition(status, g, EXECUTING);
      }
    }
    while (take_one(cancel_server.reader, s)) {
      idle = false;
      const cancel_request_t *req = s[0];
      /* rcl_action_process_cancel_request: a goal id selects that goal, a stamp every goal accepted
       * at or before it; both zero select all goals. */
      static const uint8_t zero[16] = {0};
      const uint8_t *cid = req->goal_info.goal_id.uuid;
      stamp_t cst = req->goal_info.stamp;
      bool zero_id = memcmp(cid, zero, 16) == 0, zero_stamp = cst.sec == 0 && cst.nanosec == 0;
      goal_info_t canceling[MAX_GOALS];
      uint32_t ncanceling = 0, selected = 0;
      for (uint32_t i = 0; i < ngoals; i++) {
        goal_t *g = &goals[i];
        bool before = !zero_stamp && (g->stamp.sec < cst.sec || (g->stamp.sec == cst.sec && g->stamp.nanosec <= cst.nanosec));
        if (!(memcmp(g->id, cid, 16) == 0 || before || (zero_id && zero_stamp))) continue;
        selected++;
        if (g->status != ACCEPTED && g->status != EXECUTING) continue;
        transition(status, g, CANCELING);
        memcpy(canceling[ncanceling].goal_id.uuid, g->id, 16);
        canceling[ncanceling++].stamp = g->stamp;
      }
      uint8_t code = ERROR_NONE;
      if (!zero_id && find_goal(cid) == NULL && selected == 0) code = ERROR_UNKNOWN_GOAL_ID;
      else if (selected > 0 && ncanceling == 0) code = ERROR_GOAL_TERMINATED;
      cancel_response_t rep = {.guid_ = req->guid_, .seq_ = req->seq_, .return_code = code};
      rep.goals_canceling = (dds_sequence_action_msgs_msg_dds__GoalInfo_){ncanceling, ncanceling, canceling, false};
      hex(idhex, cid, 16);
      dds_return_loan(cancel_server.reader, s, 1);
      emit("{\"event\":\"cancel\",\"vendor\":\"cyclone\",\"goal_id\":\"%s\",\"return_code\":%d,\"canceling\":%u}", idhex,
           code, ncanceling);
      dds_return_t rc = dds_write(cancel_server.writer, &rep);
      if (rc != DDS_RETCODE_OK) fail("writing the cancel response failed", rc);
    }
    while (take_one(result_server.reader, s)) {
      idle = false;
      const result_request_t *req = s[0];
      reply_to_t to = {req->guid_, req->seq_};
      goal_t *g = find_goal(req->goal_id.uuid);
      hex(idhex, req->goal_id.uuid, 16);
      dds_return_loan(result_server.reader, s, 1);
      emit("{\"event\":\"result_request\",\"vendor\":\"cyclone\",\"goal_id\":\"%s\",\"known\":%s}", idhex,
           g ? "true" : "false");
      if (g == NULL) {
        result_response_t r = {.guid_ = to.guid, .seq_ = to.seq, .status = UNKNOWN};
        dds_return_t rc = dds_write(result_server.writer, &r);
        if (rc != DDS_RETCODE_OK) fail("writing a result failed", rc);
      } else if (g->status >= SUCCEEDED) {
        send_result(result_server.writer, g, to);
      } else if (g->nwaiting < MAX_WAITING) {
        g->waiting[g->nwaiting++] = to;
      }
    }
    for (uint32_t i = 0; i < ngoals; i++) {
      goal_t *g = &goals[i];
      if (g->status >= SUCCEEDED || now_ms() < g->next_step) continue;
      g->next_step += o->interval_ms;
      idle = false;
      uint8_t end = UNKNOWN;
      if (g->status == CANCELING) {
        end = CANCELED;
      } else if ((long) g->length >= (long) g->order + 1 || g->order <= 1) {
        end = SUCCEEDED;
      } else {
        g->sequence[g->length] = g->sequence[g->length - 1] + g->sequence[g->length - 2];
        g->length++;
        feedback_t fb;
        memcpy(fb.goal_id.uuid, g->id, 16);
        fb.feedback.sequence_ = (dds_sequence_long){g->length, g->length, g->sequence, false};
        dds_return_t rc = dds_write(feedback, &fb);
        if (rc != DDS_RETCODE_OK) fail("writing feedback failed", rc);
        hex(idhex, g->id, 16);
        emit("{\"event\":\"feedback\",\"vendor\":\"cyclone\",\"goal_id\":\"%s\",\"index\":%u,\"readers\":%d}", idhex,
             g->length - 2, writer_matches(feedback));
      }
      if (end != UNKNOWN) {
        transition(status, g, end);
        for (uint32_t k = 0; k < g->nwaiting; k++) send_result(result_server.writer, g, g->waiting[k]);
        g->nwaiting = 0;
        finished++;
      }
    }
    if (idle) dds_sleepfor(DDS_MSECS(2));
  }
  dds_wait_for_acks(result_server.writer, DDS_SECS(1));
  dds_wait_for_acks(status, DDS_SECS(1));
  emit("{\"event\":\"done\",\"vendor\":\"cyclone\",\"goals\":%u,\"finished\":%ld}", ngoals, finished);
  return 0;
}

/* ---------------------------------------------------------------------------------------------
 * status-watch: a status subscription alone (rcl_action's QoS), printing each GoalStatusArray. */

static int run_status_watch(const options_t *o) {
  dds_entity_t status = make_reader(
      make_topic(&action_msgs_msg_dds__GoalStatusArray__desc, action_name("rt/", o, "status", "")),
      endpoint_qos(STATUS_HASH, true, false, 1), true);
  publish_graph(o);
  emit_ready(o);
  long want = o->count > 0 ? o->count : 1, got = 0, start = now_ms();
  bool matched = false;
  while (got < want) {
    if (stop_requested || timed_out(o, start)) {
      emit("{\"event\":\"timeout\",\"vendor\":\"cyclone\",\"received\":%ld}", got);
      return 1;
    }
    if (!matched && reader_matches(status) > 0) {
      matched = true;
      emit("{\"event\":\"matched\",\"vendor\":\"cyclone\"}");
    }
    void *s[1];
    bool idle = true;
    while (got < want && take_one(status, s)) {
      const status_array_t *a = s[0];
      idle = false;
      got++;
      char *list = malloc(160 * (a->status_list._length + 1)), *p = list;
      *p++ = '[';
      for (uint32_t i = 0; i < a->status_list._length; i++) {
        const goal_status_t *g = &a->status_list._buffer[i];
        char idhex[33];
        hex(idhex, g->goal_info.goal_id.uuid, 16);
        p += sprintf(p, "%s{\"goal_id\":\"%s\",\"status\":%d,\"stamp_sec\":%d,\"stamp_nanosec\":%u}", i ? "," : "",
                     idhex, (int8_t) g->status, g->goal_info.stamp.sec, g->goal_info.stamp.nanosec);
      }
      *p++ = ']';
      *p = 0;
      dds_return_loan(status, s, 1);
      emit("{\"event\":\"status\",\"vendor\":\"cyclone\",\"list\":%s}", list);
      free(list);
    }
    if (idle) dds_sleepfor(DDS_MSECS(5));
  }
  emit("{\"event\":\"done\",\"vendor\":\"cyclone\",\"count\":%ld}", got);
  return 0;
}

int main(int argc, char **argv) {
  options_t o = parse(argc, argv);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);

  /* Ports from a participant index (7410 + 250 d + 2 i), as the Jazzy rmw_cyclonedds nodes use;
     CYCLONEDDS_URI, if set, comes after this and wins. */
  const char *uri = getenv("CYCLONEDDS_URI");
  size_t config_size = strlen(DEFAULT_CONFIG) + (uri ? strlen(uri) : 0) + 2;
  char *config = malloc(config_size);
  snprintf(config, config_size, "%s%s%s", DEFAULT_CONFIG, uri && *uri ? "," : "", uri ? uri : "");
  dds_entity_t domain = dds_create_domain(o.domain, config);
  free(config);
  if (domain < 0) fail("dds_create_domain failed", domain);

  /* rmw_cyclonedds: participant USER_DATA "enclave=/;" without a NUL. */
  dds_qos_t *pqos = dds_create_qos();
  dds_qset_userdata(pqos, "enclave=/;", strlen("enclave=/;"));
  node.participant = dds_create_participant(o.domain, pqos, NULL);
  dds_delete_qos(pqos);
  if (node.participant < 0) fail("dds_create_participant failed", node.participant);
  dds_get_guid(node.participant, &node.guid);
  create_graph();
  for (long t = now_ms(); !stop_requested && now_ms() - t < o.startup_ms;) dds_sleepfor(DDS_MSECS(10));

  int code;
  if (strcmp(o.command, "action-client") == 0) code = run_client(&o);
  else if (strcmp(o.command, "action-server") == 0) code = run_server(&o);
  else code = run_status_watch(&o);
  for (long t = now_ms(); !stop_requested && now_ms() - t < o.linger_ms;) dds_sleepfor(DDS_MSECS(20));
  dds_delete(domain);
  return code;
}
