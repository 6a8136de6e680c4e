/* A ROS 2 node as rmw_cyclonedds_cpp puts it on the wire, on the Cyclone DDS 0.10 C API with
 * idlc types from ros_msgs.idl and trigger_cyclone.idl (idlc -t: no type information in SEDP,
 * as rmw's own sertype). Built by test/interop/rmw-peers/rmw-peers.ts; same command line and
 * output as fastdds-rmw-peer.cpp:
 *
 *   peer trigger-server SERVICE | trigger-client SERVICE | twist-pub TOPIC | twist-sub TOPIC | graph
 *        [--count N] [--node NAME] [--namespace NS] [--domain ID] [--timeout MS] [--interval MS]
 *        [--message TEXT] [--topic TOPIC] [--linger MS] [--startup MS] [--pause MS] [--ack-wait MS]
 *        [--humble]
 *
 * QoS as rmw_cyclonedds: RELIABLE (max_blocking_time infinite), VOLATILE, KEEP_LAST 10, data
 * representation XCDR1; ros_discovery_info writer TRANSIENT_LOCAL KEEP_LAST 1, reader
 * TRANSIENT_LOCAL KEEP_ALL ignoring local data. Participant USER_DATA `enclave=/;` (no NUL);
 * endpoint USER_DATA `typehash=RIHS01_...;` (no clientid / serviceid). Service correlation:
 * the {uint64 guid; int64 seq} header that begins every request and reply payload; the client's
 * guid is its request writer's instance handle, seq a counter from 1; the server echoes both.
 *
 * --humble: as Humble's rmw_cyclonedds instead: no typehash in endpoint USER_DATA, and
 * ros_discovery_info with 24-byte gids (rmw_dds_common_humble.idl; the GUID, then 8 zero bytes),
 * read and written under the same DDS type name.
 *
 * Cyclone configuration: ParticipantIndex auto (max 32), then CYCLONEDDS_URI. Single-threaded but for the
 * ros_discovery_info listener, which prints from Cyclone's receive thread. */
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dds/dds.h"
#include "rmw_dds_common_humble.h"
#include "ros_msgs.h"
#include "trigger_cyclone.h"

#define TWIST_HASH "RIHS01_9c45bf16fe0983d80e3cfe750d6835843d265a9a6c46bd2e609fcddde6fb8d2a"
#define REQUEST_HASH "RIHS01_d010825374ce8918e72bfd826c82603e60f45419e932ea976f807b74a863a199"
#define RESPONSE_HASH "RIHS01_2d946c21e2fc3f1e9ca6986a8191d85fcc70097a8bb7771a053564bc47009cdf"
#define GRAPH_HASH "RIHS01_91a0593bacdcc50ea9bdcf849a938b128412cc1ea821245c663bcd26f83c295e"
#define MAX_ENDPOINTS 8
#define DEFAULT_CONFIG                                                                                     \
  "<CycloneDDS><Domain id=\"any\"><Discovery><ParticipantIndex>auto</ParticipantIndex>"                 \
  "<MaxAutoParticipantIndex>32</MaxAutoParticipantIndex></Discovery></Domain></CycloneDDS>"

typedef geometry_msgs_msg_dds__Twist_ twist_t;
typedef rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ graph_msg_t;
typedef rmw_dds_common_msg_dds__NodeEntitiesInfo_ node_info_t;
typedef rmw_dds_common_msg_dds__Gid_ gid_t_;
typedef rmw_dds_common_humble_msg_dds__ParticipantEntitiesInfo_ humble_graph_msg_t;
typedef rmw_dds_common_humble_msg_dds__NodeEntitiesInfo_ humble_node_info_t;
typedef rmw_dds_common_humble_msg_dds__Gid_ humble_gid_t;
typedef std_srvs_srv_dds__Trigger_Request_ request_t;
typedef std_srvs_srv_dds__Trigger_Response_ response_t;

typedef struct {
  const char *command;
  const char *name; /* service or topic (ROS name) */
  long count;       /* 0: no limit */
  char node[257];
  const char *ns;
  uint32_t domain;
  long timeout_ms; /* 0: no limit */
  long interval_ms;
  const char *message;
  const char *topic; /* graph: also publish Twist on this topic */
  long linger_ms;    /* stay this long after the command is done (graph, acknowledgements) */
  long startup_ms;   /* between the participant and the command's endpoints (ros2cli's DirectNode spin) */
  long pause_ms;     /* twist-pub: after the match, before the first sample */
  long ack_wait_ms;  /* twist-pub: for acknowledgements after the last sample (0: none) */
  bool humble;       /* Humble's conventions (see the top of the file) */
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
/* --humble: 24-byte gids and no typehash. */
static bool humble = false;

static void on_signal(int sig) {
  (void) sig;
  stop_requested = 1;
}

/* One JSON object per line on stdout, flushed at once; whole lines even from the listener. */
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
  fprintf(stderr, "cyclone-rmw-peer: %s (%s)\n", message, dds_strretcode(rc));
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
  options_t o = {.ns = "/", .timeout_ms = 60000, .interval_ms = 100, .message = "from cyclone", .pause_ms = 200,
                 .ack_wait_ms = 5000};
  if (argc < 2) fail("usage: peer trigger-server|trigger-client|twist-pub|twist-sub NAME | graph [options]", 0);
  o.command = argv[1];
  int i = 2;
  if (strcmp(o.command, "graph") != 0) {
    if (strcmp(o.command, "trigger-server") != 0 && strcmp(o.command, "trigger-client") != 0 &&
        strcmp(o.command, "twist-pub") != 0 && strcmp(o.command, "twist-sub") != 0)
      fail("unknown subcommand", 0);
    if (argc < 3 || argv[2][0] == '-') fail("the subcommand needs a service or topic name", 0);
    o.name = argv[2];
    i = 3;
  }
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--count") == 0) o.count = parse_number(argc, argv, &i);
    else if (strcmp(a, "--node") == 0 && i + 1 < argc) snprintf(o.node, sizeof o.node, "%s", argv[++i]);
    else if (strcmp(a, "--namespace") == 0 && i + 1 < argc) o.ns = argv[++i];
    else if (strcmp(a, "--domain") == 0) o.domain = (uint32_t) parse_number(argc, argv, &i);
    else if (strcmp(a, "--timeout") == 0) o.timeout_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--interval") == 0) o.interval_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--message") == 0 && i + 1 < argc) o.message = argv[++i];
    else if (strcmp(a, "--topic") == 0 && i + 1 < argc) o.topic = argv[++i];
    else if (strcmp(a, "--linger") == 0) o.linger_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--startup") == 0) o.startup_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--pause") == 0) o.pause_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--ack-wait") == 0) o.ack_wait_ms = parse_number(argc, argv, &i);
    else if (strcmp(a, "--humble") == 0) o.humble = true;
    else fail("unknown option", 0);
  }
  if (o.node[0] == 0) {
    snprintf(o.node, sizeof o.node, "cyclone_%s", o.command);
    for (char *c = o.node; *c; c++)
      if (*c == '-') *c = '_';
  }
  return o;
}

/* prefix + ROS name (leading slash dropped) + suffix: "rt/cmd_vel", "rq/addRequest". */
static char *dds_name(const char *prefix, const char *name, const char *suffix) {
  static char buf[4][512];
  static int next = 0;
  char *out = buf[next++ % 4];
  snprintf(out, 512, "%s%s%s", prefix, name[0] == '/' ? name + 1 : name, suffix);
  return out;
}

static void hex(char *out, const uint8_t *bytes, size_t n) {
  for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", bytes[i]);
  out[2 * n] = 0;
}

/* ["hex",...] of n 16-byte gids. */
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

/* A JSON string of s (names are plain ASCII here; quotes and control characters escaped). */
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

/* The QoS rmw_cyclonedds gives a ROS endpoint (create_readwrite_qos), with its typehash (none in Humble). */
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
  if (!humble) {
    char typehash[128];
    int n = snprintf(typehash, sizeof typehash, "typehash=%s;", hash);
    dds_qset_userdata(qos, typehash, (size_t) n);
  }
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

static dds_entity_t make_reader(dds_entity_t topic, dds_qos_t *qos, const dds_listener_t *listener, bool listed) {
  dds_entity_t r = dds_create_reader(node.participant, topic, qos, listener);
  dds_delete_qos(qos);
  if (r < 0) fail("dds_create_reader failed", r);
  if (listed) {
    dds_guid_t g;
    dds_get_guid(r, &g);
    memcpy(node.readers[node.nreaders++], g.v, 16);
  }
  return r;
}

static const char *gid_hex(dds_entity_t e) {
  static char buf[4][33];
  static int next = 0;
  char *out = buf[next++ % 4];
  dds_guid_t g;
  dds_get_guid(e, &g);
  hex(out, g.v, 16);
  return out;
}

/* The two layouts differ only in the gid's size: the node entries are the same structs but for
   the element type of their gid sequences, so one reading of them serves both. */
_Static_assert(sizeof(humble_node_info_t) == sizeof(node_info_t), "node entries differ");
_Static_assert(sizeof(humble_gid_t) == 24 && sizeof(gid_t_) == 16, "gid sizes");

/* One received sample of either layout, as the printing needs it. */
typedef struct {
  const uint8_t *gid;
  size_t gid_size;
  const node_info_t *nodes; /* for Humble: humble_node_info_t, the same layout */
  uint32_t nnodes;
} graph_view_t;

/* Whether the bytes of a gid after its 16 GUID bytes are all zero. */
static bool gid_tail_zero(const uint8_t *gid, size_t gid_size) {
  for (size_t i = 16; i < gid_size; i++)
    if (gid[i] != 0) return false;
  return true;
}

/* The first 16 bytes of n gids of gid_size bytes each, and whether their tails are zero. */
static uint8_t (*gid_heads(const void *buffer, uint32_t n, size_t gid_size, bool *tails_zero))[16] {
  uint8_t(*out)[16] = malloc(16 * (n + 1));
  for (uint32_t j = 0; j < n; j++) {
    const uint8_t *g = (const uint8_t *) buffer + j * gid_size;
    memcpy(out[j], g, 16);
    *tails_zero = *tails_zero && gid_tail_zero(g, gid_size);
  }
  return out;
}

static void print_graph(const graph_view_t *v) {
  char gid[33];
  hex(gid, v->gid, 16);
  bool tails_zero = gid_tail_zero(v->gid, v->gid_size);
  size_t cap = 256;
  for (uint32_t k = 0; k < v->nnodes; k++) {
    const node_info_t *ni = &v->nodes[k];
    cap += 6 * 256 + 200 + 36 * (ni->reader_gid_seq._length + ni->writer_gid_seq._length);
  }
  char *nodes = malloc(cap), *p = nodes;
  *p++ = '[';
  for (uint32_t k = 0; k < v->nnodes; k++) {
    const node_info_t *ni = &v->nodes[k];
    char name[6 * 257], ns[6 * 257];
    json_string(name, ni->node_name);
    json_string(ns, ni->node_namespace);
    uint8_t(*r)[16] = gid_heads(ni->reader_gid_seq._buffer, ni->reader_gid_seq._length, v->gid_size, &tails_zero);
    uint8_t(*w)[16] = gid_heads(ni->writer_gid_seq._buffer, ni->writer_gid_seq._length, v->gid_size, &tails_zero);
    char *rj = malloc(36 * (ni->reader_gid_seq._length + 1)), *wj = malloc(36 * (ni->writer_gid_seq._length + 1));
    json_gids(rj, (const uint8_t(*)[16]) r, ni->reader_gid_seq._length);
    json_gids(wj, (const uint8_t(*)[16]) w, ni->writer_gid_seq._length);
    p += sprintf(p,
                 "%s{\"name\":%s,\"namespace\":%s,\"gid\":\"%s\",\"readers\":%u,\"writers\":%u,"
                 "\"reader_gids\":%s,\"writer_gids\":%s}",
                 k ? "," : "", name, ns, gid, ni->reader_gid_seq._length, ni->writer_gid_seq._length, rj, wj);
    free(r);
    free(w);
    free(rj);
    free(wj);
  }
  *p++ = ']';
  *p = 0;
  emit("{\"event\":\"graph\",\"vendor\":\"cyclone\",\"gid\":\"%s\",\"gid_size\":%zu,\"gid_tails_zero\":%s,"
       "\"nodes\":%s}",
       gid, v->gid_size, tails_zero ? "true" : "false", nodes);
  free(nodes);
}

/* ros_discovery_info: prints every other participant's ParticipantEntitiesInfo it reads. */
static void on_graph_data(dds_entity_t reader, void *arg) {
  (void) arg;
  void *samples[8] = {NULL};
  dds_sample_info_t infos[8];
  dds_return_t n;
  while ((n = dds_take(reader, samples, infos, 8, 8)) > 0) {
    for (dds_return_t i = 0; i < n; i++) {
      if (!infos[i].valid_data) continue;
      graph_view_t v;
      if (humble) {
        const humble_graph_msg_t *msg = samples[i];
        v = (graph_view_t){msg->gid.data, 24, (const node_info_t *) msg->node_entities_info_seq._buffer,
                           msg->node_entities_info_seq._length};
      } else {
        const graph_msg_t *msg = samples[i];
        v = (graph_view_t){msg->gid.data, 16, msg->node_entities_info_seq._buffer, msg->node_entities_info_seq._length};
      }
      if (memcmp(v.gid, node.guid.v, 12) == 0) continue;
      print_graph(&v);
    }
    dds_return_loan(reader, samples, n);
  }
}

/* Humble's layout under the DDS type name both layouts have (the descriptor's members are const:
   a copy in allocated memory gets the other name). */
static const dds_topic_descriptor_t *humble_graph_descriptor(void) {
  dds_topic_descriptor_t *d = malloc(sizeof *d);
  memcpy(d, &rmw_dds_common_humble_msg_dds__ParticipantEntitiesInfo__desc, sizeof *d);
  const char *name = rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc.m_typename;
  memcpy((char *) d + offsetof(dds_topic_descriptor_t, m_typename), &name, sizeof name);
  return d;
}

static void create_graph(void) {
  const dds_topic_descriptor_t *desc =
      humble ? humble_graph_descriptor() : &rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc;
  dds_entity_t t = make_topic(desc, "ros_discovery_info");
  /* The context's endpoints belong to no node: not listed. */
  node.graph_writer = make_writer(t, endpoint_qos(GRAPH_HASH, true, false, 1), false);
  dds_qos_t *rq = endpoint_qos(GRAPH_HASH, true, true, 0);
  dds_qset_ignorelocal(rq, DDS_IGNORELOCAL_PARTICIPANT);
  dds_listener_t *l = dds_create_listener(NULL);
  dds_lset_data_available(l, on_graph_data);
  node.graph_reader = make_reader(t, rq, l, false);
  dds_delete_listener(l);
}

/* Humble's snapshot: every gid zeroed, then its 16 GUID bytes (rmw_cyclonedds convert_guid_to_gid). */
static void publish_humble_graph(const options_t *o) {
  humble_gid_t readers[MAX_ENDPOINTS], writers[MAX_ENDPOINTS];
  memset(readers, 0, sizeof readers);
  memset(writers, 0, sizeof writers);
  for (uint32_t i = 0; i < node.nreaders; i++) memcpy(readers[i].data, node.readers[i], 16);
  for (uint32_t i = 0; i < node.nwriters; i++) memcpy(writers[i].data, node.writers[i], 16);
  humble_node_info_t ni;
  memset(&ni, 0, sizeof ni);
  snprintf(ni.node_namespace, sizeof ni.node_namespace, "%s", o->ns);
  snprintf(ni.node_name, sizeof ni.node_name, "%s", o->node);
  ni.reader_gid_seq =
      (dds_sequence_rmw_dds_common_humble_msg_dds__Gid_){node.nreaders, node.nreaders, readers, false};
  ni.writer_gid_seq =
      (dds_sequence_rmw_dds_common_humble_msg_dds__Gid_){node.nwriters, node.nwriters, writers, false};
  humble_graph_msg_t msg;
  memset(&msg, 0, sizeof msg);
  memcpy(msg.gid.data, node.guid.v, 16);
  msg.node_entities_info_seq._length = msg.node_entities_info_seq._maximum = 1;
  msg.node_entities_info_seq._buffer = &ni;
  dds_return_t rc = dds_write(node.graph_writer, &msg);
  if (rc != DDS_RETCODE_OK) fail("writing ros_discovery_info failed", rc);
}

/* One complete snapshot of this participant's one node, as rmw_dds_common publishes it. */
static void publish_graph(const options_t *o) {
  if (humble) {
    publish_humble_graph(o);
    return;
  }
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

static void emit_ready(const options_t *o, const char *extra) {
  char r[MAX_ENDPOINTS * 36 + 3], w[MAX_ENDPOINTS * 36 + 3], name[6 * 257], ns[6 * 257], pg[33];
  json_gids(r, (const uint8_t(*)[16]) node.readers, node.nreaders);
  json_gids(w, (const uint8_t(*)[16]) node.writers, node.nwriters);
  json_string(name, o->node);
  json_string(ns, o->ns);
  hex(pg, node.guid.v, 16);
  emit("{\"event\":\"ready\",\"vendor\":\"cyclone\",\"role\":\"%s\",\"node\":%s,\"namespace\":%s,"
       "\"participant\":\"%s\",\"reader_gids\":%s,\"writer_gids\":%s%s}",
       o->command, name, ns, pg, r, w, extra);
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

/* Prints "matched" / "unmatched" when all of the endpoints have a match / one lost its last. */
static bool match_update(bool *matched, bool now) {
  if (now != *matched) emit("{\"event\":\"%s\",\"vendor\":\"cyclone\"}", now ? "matched" : "unmatched");
  *matched = now;
  return now;
}

/* Waits up to ms for data on the reader. */
static bool wait_data(dds_entity_t ws, long ms) { return dds_waitset_wait(ws, NULL, 0, DDS_MSECS(ms)) > 0; }

static dds_entity_t data_waitset(dds_entity_t reader) {
  dds_set_status_mask(reader, DDS_DATA_AVAILABLE_STATUS);
  dds_entity_t ws = dds_create_waitset(node.participant);
  dds_waitset_attach(ws, reader, reader);
  return ws;
}

static int run_trigger_server(const options_t *o) {
  dds_entity_t reader = make_reader(make_topic(&std_srvs_srv_dds__Trigger_Request__desc, dds_name("rq/", o->name, "Request")),
                                    endpoint_qos(REQUEST_HASH, false, false, 10), NULL, true);
  dds_entity_t writer = make_writer(make_topic(&std_srvs_srv_dds__Trigger_Response__desc, dds_name("rr/", o->name, "Reply")),
                                    endpoint_qos(RESPONSE_HASH, false, false, 10), true);
  publish_graph(o);
  char extra[128];
  snprintf(extra, sizeof extra, ",\"request_reader\":\"%s\",\"reply_writer\":\"%s\"", gid_hex(reader), gid_hex(writer));
  emit_ready(o, extra);
  dds_entity_t ws = data_waitset(reader);
  bool matched = false;
  long replied = 0, start = now_ms();
  while (!stop_requested && !timed_out(o, start) && (o->count == 0 || replied < o->count)) {
    match_update(&matched, reader_matches(reader) > 0 && writer_matches(writer) > 0);
    if (!wait_data(ws, 50)) continue;
    request_t request;
    void *sample = &request;
    dds_sample_info_t info;
    while (dds_take(reader, &sample, &info, 1, 1) == 1) {
      if (!info.valid_data) continue;
      char guid[17];
      hex(guid, (const uint8_t *) &request.guid_, 8);
      emit("{\"event\":\"request\",\"vendor\":\"cyclone\",\"seq\":%lld,\"guid\":\"%s\"}", (long long) request.seq_,
           guid);
      /* rmw_send_response: echo the header; no clientid on the request writer, so no wait. */
      response_t response = {.guid_ = request.guid_, .seq_ = request.seq_, .success = true,
                             .message = (char *) o->message};
      dds_return_t rc = dds_write(writer, &response);
      if (rc != DDS_RETCODE_OK) fail("writing the reply failed", rc);
      replied++;
      emit("{\"event\":\"replied\",\"vendor\":\"cyclone\",\"seq\":%lld,\"guid\":\"%s\"}", (long long) request.seq_,
           guid);
    }
  }
  dds_wait_for_acks(writer, DDS_SECS(1));
  emit("{\"event\":\"done\",\"vendor\":\"cyclone\",\"count\":%ld}", replied);
  return 0;
}

static int run_trigger_client(const options_t *o) {
  dds_entity_t writer = make_writer(make_topic(&std_srvs_srv_dds__Trigger_Request__desc, dds_name("rq/", o->name, "Request")),
                                    endpoint_qos(REQUEST_HASH, false, false, 10), true);
  dds_entity_t reader = make_reader(make_topic(&std_srvs_srv_dds__Trigger_Response__desc, dds_name("rr/", o->name, "Reply")),
                                    endpoint_qos(RESPONSE_HASH, false, false, 10), NULL, true);
  publish_graph(o);
  /* rmw_cyclonedds: the header guid is the request writer's instance handle. */
  dds_instance_handle_t pubiid;
  dds_return_t rc = dds_get_instance_handle(writer, &pubiid);
  if (rc != DDS_RETCODE_OK) fail("dds_get_instance_handle failed", rc);
  char guid[17], extra[192];
  hex(guid, (const uint8_t *) &pubiid, 8);
  snprintf(extra, sizeof extra, ",\"request_writer\":\"%s\",\"reply_reader\":\"%s\",\"client_guid\":\"%s\"",
           gid_hex(writer), gid_hex(reader), guid);
  emit_ready(o, extra);
  dds_entity_t ws = data_waitset(reader);
  bool matched = false;
  long start = now_ms();
  while (!match_update(&matched, writer_matches(writer) > 0 && reader_matches(reader) > 0)) {
    if (stop_requested || timed_out(o, start)) fail("no service matched", 0);
    dds_sleepfor(DDS_MSECS(10));
  }
  static int64_t next_seq = 0; /* process-wide, pre-incremented: the first request is 1 */
  long count = o->count > 0 ? o->count : 1;
  for (long i = 0; i < count; i++) {
    request_t request = {.guid_ = pubiid, .seq_ = ++next_seq, .structure_needs_at_least_one_member = 0};
    rc = dds_write(writer, &request);
    if (rc != DDS_RETCODE_OK) fail("writing the request failed", rc);
    emit("{\"event\":\"request\",\"vendor\":\"cyclone\",\"seq\":%lld}", (long long) request.seq_);
    bool answered = false;
    while (!answered) {
      if (stop_requested || timed_out(o, start)) {
        emit("{\"event\":\"timeout\",\"vendor\":\"cyclone\",\"seq\":%lld,\"responses\":%ld}",
             (long long) request.seq_, i);
        return 1;
      }
      if (!wait_data(ws, 50)) continue;
      void *samples[1] = {NULL};
      dds_sample_info_t info;
      while (dds_take(reader, samples, &info, 1, 1) == 1) {
        const response_t *response = samples[0];
        /* rmw_take_response: only replies carrying our guid. */
        if (info.valid_data && response->guid_ == pubiid) {
          if (response->seq_ != request.seq_) {
            emit("{\"event\":\"stale-response\",\"vendor\":\"cyclone\",\"seq\":%lld}", (long long) response->seq_);
          } else {
            char message[4096];
            json_string(message, strlen(response->message) < 600 ? response->message : "(long)");
            emit("{\"event\":\"response\",\"vendor\":\"cyclone\",\"seq\":%lld,\"success\":%s,\"message\":%s}",
                 (long long) response->seq_, response->success ? "true" : "false", message);
            answered = true;
          }
        }
        dds_return_loan(reader, samples, 1);
        samples[0] = NULL;
      }
    }
  }
  emit("{\"event\":\"done\",\"vendor\":\"cyclone\",\"count\":%ld}", count);
  return 0;
}

static int run_twist_pub(const options_t *o) {
  dds_entity_t writer = make_writer(make_topic(&geometry_msgs_msg_dds__Twist__desc, dds_name("rt/", o->name, "")),
                                    endpoint_qos(TWIST_HASH, false, false, 10), true);
  publish_graph(o);
  char extra[64];
  snprintf(extra, sizeof extra, ",\"writer\":\"%s\"", gid_hex(writer));
  emit_ready(o, extra);
  bool matched = false;
  long start = now_ms();
  while (!match_update(&matched, writer_matches(writer) > 0)) {
    if (stop_requested || timed_out(o, start)) fail("no subscription matched", 0);
    dds_sleepfor(DDS_MSECS(10));
  }
  /* Give the reader a moment to match us too (--pause 0: publish at once, as `ros2 topic pub --once`). */
  dds_sleepfor(DDS_MSECS(o->pause_ms));
  long k = 0;
  for (; (o->count == 0 || k < o->count) && !stop_requested && !timed_out(o, start); k++) {
    twist_t t = {.linear = {0.5, 0.0, 0.0}, .angular = {0.0, 0.0, (double) (k + 1)}};
    dds_return_t rc = dds_write(writer, &t);
    if (rc != DDS_RETCODE_OK) fail("writing a Twist failed", rc);
    match_update(&matched, writer_matches(writer) > 0);
    if (o->interval_ms > 0 && (o->count == 0 || k + 1 < o->count)) dds_sleepfor(DDS_MSECS(o->interval_ms));
  }
  /* --ack-wait 0: no waiting, as `ros2 topic pub`, which only sleeps --keep-alive (here --linger). */
  const char *acked = "null";
  if (o->ack_wait_ms > 0)
    acked = dds_wait_for_acks(writer, DDS_MSECS(o->ack_wait_ms)) == DDS_RETCODE_OK ? "true" : "false";
  emit("{\"event\":\"published\",\"vendor\":\"cyclone\",\"count\":%ld,\"acked\":%s}", k, acked);
  return o->count == 0 || k == o->count ? 0 : 1;
}

static int run_twist_sub(const options_t *o) {
  dds_entity_t reader = make_reader(make_topic(&geometry_msgs_msg_dds__Twist__desc, dds_name("rt/", o->name, "")),
                                    endpoint_qos(TWIST_HASH, false, false, 10), NULL, true);
  publish_graph(o);
  char extra[64];
  snprintf(extra, sizeof extra, ",\"reader\":\"%s\"", gid_hex(reader));
  emit_ready(o, extra);
  dds_entity_t ws = data_waitset(reader);
  bool matched = false;
  long received = 0, start = now_ms();
  while (!stop_requested && (o->count == 0 || received < o->count)) {
    if (timed_out(o, start)) {
      emit("{\"event\":\"timeout\",\"vendor\":\"cyclone\",\"received\":%ld}", received);
      return o->count == 0 ? 0 : 1;
    }
    match_update(&matched, reader_matches(reader) > 0);
    if (!wait_data(ws, 50)) continue;
    twist_t t;
    void *sample = &t;
    dds_sample_info_t info;
    while (dds_take(reader, &sample, &info, 1, 1) == 1) {
      if (!info.valid_data) continue;
      received++;
      dds_builtintopic_endpoint_t *pub = dds_get_matched_publication_data(reader, info.publication_handle);
      char writer[33] = "";
      if (pub != NULL) {
        hex(writer, pub->key.v, 16);
        dds_builtintopic_free_endpoint(pub);
      }
      emit("{\"event\":\"twist\",\"vendor\":\"cyclone\",\"linear_x\":%.17g,\"linear_y\":%.17g,\"linear_z\":%.17g,"
           "\"angular_x\":%.17g,\"angular_y\":%.17g,\"angular_z\":%.17g,\"writer\":\"%s\"}",
           t.linear.x, t.linear.y, t.linear.z, t.angular.x, t.angular.y, t.angular.z, writer);
    }
  }
  /* Give the acknowledgements of the last samples a moment to leave before the reader goes. */
  dds_sleepfor(DDS_MSECS(200));
  emit("{\"event\":\"done\",\"vendor\":\"cyclone\",\"count\":%ld}", received);
  return 0;
}

static int run_graph(const options_t *o) {
  if (o->topic != NULL)
    make_writer(make_topic(&geometry_msgs_msg_dds__Twist__desc, dds_name("rt/", o->topic, "")),
                endpoint_qos(TWIST_HASH, false, false, 10), true);
  publish_graph(o);
  emit_ready(o, "");
  long start = now_ms();
  while (!stop_requested && !timed_out(o, start)) dds_sleepfor(DDS_MSECS(20));
  emit("{\"event\":\"done\",\"vendor\":\"cyclone\"}");
  return 0;
}

int main(int argc, char **argv) {
  options_t o = parse(argc, argv);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);

  /* Ports from a participant index (7410 + 250 d + 2 i), as the Jazzy rmw_cyclonedds nodes of
     /work/shared/captures use, not Cyclone 0.10.2's default random ones; CYCLONEDDS_URI, if set,
     comes after this and wins. */
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
  humble = o.humble;
  create_graph();
  for (long t = now_ms(); !stop_requested && now_ms() - t < o.startup_ms;) dds_sleepfor(DDS_MSECS(10));

  int code;
  if (strcmp(o.command, "trigger-server") == 0) code = run_trigger_server(&o);
  else if (strcmp(o.command, "trigger-client") == 0) code = run_trigger_client(&o);
  else if (strcmp(o.command, "twist-pub") == 0) code = run_twist_pub(&o);
  else if (strcmp(o.command, "twist-sub") == 0) code = run_twist_sub(&o);
  else code = run_graph(&o);
  for (long t = now_ms(); !stop_requested && now_ms() - t < o.linger_ms;) dds_sleepfor(DDS_MSECS(20));
  dds_delete(domain);
  return code;
}
