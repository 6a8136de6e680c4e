// A ROS 2 node as rmw_fastrtps_cpp puts it on the wire, on the Fast DDS 2.9 DDS API
// (eprosima::fastdds::dds) with fastddsgen types from ros_msgs.idl and trigger_fastdds.idl. Built
// by test/interop/rmw-peers/rmw-peers.ts; same command line and output as cyclone-rmw-peer.c:
//
//   peer trigger-server SERVICE | trigger-client SERVICE | twist-pub TOPIC | twist-sub TOPIC | graph
//        [--count N] [--node NAME] [--namespace NS] [--domain ID] [--timeout MS] [--interval MS]
//        [--message TEXT] [--topic TOPIC] [--linger MS] [--startup MS] [--pause MS] [--ack-wait MS]
//        [--humble]
//
// Names: ROS names, with or without the leading slash: topic T is `rt/T`, service S is
// `rq/SRequest` + `rr/SReply`. QoS as rmw: RELIABLE, VOLATILE, KEEP_LAST 10 (max_blocking_time
// 100 ms, the Fast DDS default rmw keeps); ros_discovery_info writer TRANSIENT_LOCAL KEEP_LAST 1,
// reader TRANSIENT_LOCAL KEEP_ALL. Participant USER_DATA `enclave=/;\0`, name "/"; endpoint
// USER_DATA `typehash=RIHS01_...;` (Jazzy). Service correlation as rmw_fastrtps with Fast DDS 2.9:
// inline QoS PID 0x800f (WriteParams related_sample_identity), no payload header.
//
// --humble: as Humble's rmw_fastrtps instead: no endpoint USER_DATA, and ros_discovery_info with
// 24-byte gids (rmw_dds_common_humble.idl; the GUID, then 8 zero bytes), read and written.
//
// Transport: UDPv4 only (no SHM), data sharing off, so all traffic is on the wire.
// Output: one JSON object per line (see rmw-peers.ts for the events).
#include "rmw_dds_common_humble.h"
#include "rmw_dds_common_humblePubSubTypes.h"
#include "ros_msgs.h"
#include "ros_msgsPubSubTypes.h"
#include "trigger_fastdds.h"
#include "trigger_fastddsPubSubTypes.h"

#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/publisher/DataWriterListener.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/DataReaderListener.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/topic/Topic.hpp>
#include <fastdds/dds/topic/TypeSupport.hpp>
#include <fastdds/rtps/common/InstanceHandle.h>
#include <fastdds/rtps/common/WriteParams.h>
#include <fastdds/rtps/transport/UDPv4TransportDescriptor.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace eprosima::fastdds::dds;
using eprosima::fastrtps::rtps::GUID_t;
using eprosima::fastrtps::rtps::SampleIdentity;
using eprosima::fastrtps::rtps::SequenceNumber_t;
using eprosima::fastrtps::rtps::WriteParams;
using Clock = std::chrono::steady_clock;
namespace gm = geometry_msgs::msg::dds_;
namespace rdc = rmw_dds_common::msg::dds_;
namespace rdh = rmw_dds_common_humble::msg::dds_;
namespace srv = std_srvs::srv::dds_;

static const char *TWIST_HASH = "RIHS01_9c45bf16fe0983d80e3cfe750d6835843d265a9a6c46bd2e609fcddde6fb8d2a";
static const char *REQUEST_HASH = "RIHS01_d010825374ce8918e72bfd826c82603e60f45419e932ea976f807b74a863a199";
static const char *RESPONSE_HASH = "RIHS01_2d946c21e2fc3f1e9ca6986a8191d85fcc70097a8bb7771a053564bc47009cdf";
static const char *GRAPH_HASH = "RIHS01_91a0593bacdcc50ea9bdcf849a938b128412cc1ea821245c663bcd26f83c295e";

struct Options {
  std::string command;
  std::string name;  // service or topic (ROS name)
  long count = 0;    // 0: no limit
  std::string node;
  std::string ns = "/";
  uint32_t domain = 0;
  long timeout_ms = 60000;  // 0: no limit
  long interval_ms = 100;
  std::string message = "from fastdds";
  std::string topic;  // graph: also publish Twist on this topic
  long linger_ms = 0;  // stay this long after the command is done (graph, acknowledgements)
  long startup_ms = 0;  // between the participant and the command's endpoints (ros2cli's DirectNode spin)
  long pause_ms = 200;  // twist-pub: after the match, before the first sample
  long ack_wait_ms = 5000;  // twist-pub: for acknowledgements after the last sample (0: none)
  bool humble = false;  // Humble's conventions (see the top of the file)
};

// --humble: Humble's rmw_fastrtps puts nothing in endpoint USER_DATA.
static bool no_typehash = false;

static std::mutex out_mutex;
static std::atomic<bool> stop_requested{false};

static void emit(const char *fmt, ...) {
  std::lock_guard<std::mutex> lock(out_mutex);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stdout, fmt, ap);
  va_end(ap);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

[[noreturn]] static void fail(const std::string &message) {
  emit("{\"event\":\"error\",\"vendor\":\"fastdds\",\"message\":\"%s\"}", message.c_str());
  std::fprintf(stderr, "fastdds-rmw-peer: %s\n", message.c_str());
  std::exit(2);
}

static void on_signal(int) { stop_requested = true; }
static void sleep_ms(long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
static long ms_since(Clock::time_point t) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

static long parse_number(int argc, char **argv, int &i) {
  if (i + 1 >= argc) fail(std::string(argv[i]) + " needs a value");
  char *end = nullptr;
  long v = std::strtol(argv[++i], &end, 10);
  if (*end != 0 || v < 0) fail(std::string("bad number ") + argv[i]);
  return v;
}

static Options parse(int argc, char **argv) {
  Options o;
  if (argc < 2) fail("usage: peer trigger-server|trigger-client|twist-pub|twist-sub NAME | graph [options]");
  o.command = argv[1];
  int i = 2;
  if (o.command != "graph") {
    if (o.command != "trigger-server" && o.command != "trigger-client" && o.command != "twist-pub" &&
        o.command != "twist-sub")
      fail("unknown subcommand " + o.command);
    if (argc < 3 || argv[2][0] == '-') fail(o.command + " needs a service or topic name");
    o.name = argv[2];
    i = 3;
  }
  for (; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--count") o.count = parse_number(argc, argv, i);
    else if (a == "--node" && i + 1 < argc) o.node = argv[++i];
    else if (a == "--namespace" && i + 1 < argc) o.ns = argv[++i];
    else if (a == "--domain") o.domain = static_cast<uint32_t>(parse_number(argc, argv, i));
    else if (a == "--timeout") o.timeout_ms = parse_number(argc, argv, i);
    else if (a == "--interval") o.interval_ms = parse_number(argc, argv, i);
    else if (a == "--message" && i + 1 < argc) o.message = argv[++i];
    else if (a == "--topic" && i + 1 < argc) o.topic = argv[++i];
    else if (a == "--linger") o.linger_ms = parse_number(argc, argv, i);
    else if (a == "--startup") o.startup_ms = parse_number(argc, argv, i);
    else if (a == "--pause") o.pause_ms = parse_number(argc, argv, i);
    else if (a == "--ack-wait") o.ack_wait_ms = parse_number(argc, argv, i);
    else if (a == "--humble") o.humble = true;
    else fail("unknown option " + a);
  }
  if (o.node.empty()) {
    o.node = "fastdds_" + o.command;
    for (char &c : o.node)
      if (c == '-') c = '_';
  }
  return o;
}

static bool timed_out(const Options &o, Clock::time_point start) {
  return o.timeout_ms > 0 && ms_since(start) >= o.timeout_ms;
}

// "/cmd_vel" and "cmd_vel" both name the DDS topic "rt/cmd_vel".
static std::string ros_name(const std::string &name) { return name[0] == '/' ? name.substr(1) : name; }

static std::string hex(const uint8_t *bytes, size_t n) {
  static const char *digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; i++) {
    s += digits[bytes[i] >> 4];
    s += digits[bytes[i] & 15];
  }
  return s;
}

static std::string gid_hex(const GUID_t &g) {
  uint8_t b[16];
  std::memcpy(b, g.guidPrefix.value, 12);
  std::memcpy(b + 12, g.entityId.value, 4);
  return hex(b, 16);
}

static std::string json_string(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

static std::string json_gids(const std::vector<std::string> &gids) {
  std::string out = "[";
  for (size_t i = 0; i < gids.size(); i++) out += (i ? ",\"" : "\"") + gids[i] + "\"";
  return out + "]";
}

static int64_t sn_value(const SequenceNumber_t &sn) {
  return (static_cast<int64_t>(sn.high) << 32) | static_cast<int64_t>(sn.low);
}

static void set_typehash(GenericDataQosPolicy &user_data, const char *hash) {
  if (no_typehash) return;
  std::string text = std::string("typehash=") + hash + ";";
  user_data.setValue(std::vector<eprosima::fastrtps::rtps::octet>(text.begin(), text.end()));
}

// The QoS rmw_fastrtps gives a ROS endpoint with the default profile (WIRE.md 3).
static DataWriterQos writer_qos(const char *hash, bool transient_local = false, int32_t depth = 10) {
  DataWriterQos qos = DATAWRITER_QOS_DEFAULT;
  qos.reliability().kind = RELIABLE_RELIABILITY_QOS;
  qos.durability().kind = transient_local ? TRANSIENT_LOCAL_DURABILITY_QOS : VOLATILE_DURABILITY_QOS;
  qos.history().kind = KEEP_LAST_HISTORY_QOS;
  qos.history().depth = depth;
  qos.endpoint().history_memory_policy = eprosima::fastrtps::rtps::PREALLOCATED_WITH_REALLOC_MEMORY_MODE;
  qos.data_sharing().off();
  set_typehash(qos.user_data(), hash);
  return qos;
}

static DataReaderQos reader_qos(const char *hash, bool transient_local = false, bool keep_all = false) {
  DataReaderQos qos = DATAREADER_QOS_DEFAULT;
  qos.reliability().kind = RELIABLE_RELIABILITY_QOS;
  qos.durability().kind = transient_local ? TRANSIENT_LOCAL_DURABILITY_QOS : VOLATILE_DURABILITY_QOS;
  qos.history().kind = keep_all ? KEEP_ALL_HISTORY_QOS : KEEP_LAST_HISTORY_QOS;
  qos.history().depth = keep_all ? 1 : 10;
  qos.endpoint().history_memory_policy = eprosima::fastrtps::rtps::PREALLOCATED_WITH_REALLOC_MEMORY_MODE;
  qos.data_sharing().off();
  set_typehash(qos.user_data(), hash);
  return qos;
}

struct Node {
  DomainParticipant *participant = nullptr;
  Publisher *publisher = nullptr;
  Subscriber *subscriber = nullptr;
  std::vector<std::string> readers, writers;  // gids of the node's endpoints

  Topic *topic(const std::string &name, TypeSupport &type) {
    if (participant->find_type(type.get_type_name()).empty() &&
        type.register_type(participant) != ReturnCode_t::RETCODE_OK)
      fail("register_type failed for " + type.get_type_name());
    Topic *t = participant->create_topic(name, type.get_type_name(), TOPIC_QOS_DEFAULT);
    if (t == nullptr) fail("create_topic failed for " + name);
    return t;
  }

  DataWriter *writer(Topic *t, const DataWriterQos &qos, DataWriterListener *listener = nullptr,
                     bool listed = true) {
    DataWriter *w = publisher->create_datawriter(
        t, qos, listener, listener ? StatusMask::publication_matched() : StatusMask::none());
    if (w == nullptr) fail("create_datawriter failed for " + t->get_name());
    if (listed) writers.push_back(gid_hex(w->guid()));
    return w;
  }

  DataReader *reader(Topic *t, const DataReaderQos &qos, DataReaderListener *listener = nullptr,
                     bool listed = true) {
    DataReader *r = subscriber->create_datareader(
        t, qos, listener, listener ? StatusMask::data_available() : StatusMask::none());
    if (r == nullptr) fail("create_datareader failed for " + t->get_name());
    if (listed) readers.push_back(gid_hex(r->guid()));
    return r;
  }
};

// The ros_discovery_info types of one gid layout: Iron and later (16 bytes) or Humble (24).
struct JazzyGraphTypes {
  using Msg = rdc::ParticipantEntitiesInfo_;
  using NodeInfo = rdc::NodeEntitiesInfo_;
  using Gid = rdc::Gid_;
  using PubSub = rdc::ParticipantEntitiesInfo_PubSubType;
  static constexpr size_t gid_size = 16;
};
struct HumbleGraphTypes {
  using Msg = rdh::ParticipantEntitiesInfo_;
  using NodeInfo = rdh::NodeEntitiesInfo_;
  using Gid = rdh::Gid_;
  using PubSub = rdh::ParticipantEntitiesInfo_PubSubType;
  static constexpr size_t gid_size = 24;
};

static const char *GRAPH_TYPE_NAME = "rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_";

// Whether the bytes after the GUID (Humble's 8) are all zero.
template <typename Gid, size_t N>
static bool tail_zero(const Gid &g) {
  for (size_t i = 16; i < N; i++)
    if (g.data()[i] != 0) return false;
  return true;
}

// ros_discovery_info: prints every other participant's ParticipantEntitiesInfo it reads.
template <typename T>
struct GraphListener : DataReaderListener {
  GUID_t own;

  void on_data_available(DataReader *reader) override {
    typename T::Msg msg;
    SampleInfo info;
    while (reader->take_next_sample(&msg, &info) == ReturnCode_t::RETCODE_OK) {
      if (!info.valid_data) continue;
      const auto &gid = msg.gid().data();
      // ignore_local_publications, as rmw asks for this reader.
      if (std::memcmp(gid.data(), own.guidPrefix.value, 12) == 0) continue;
      bool tails_zero = tail_zero<typename T::Gid, T::gid_size>(msg.gid());
      std::string nodes = "[";
      for (size_t i = 0; i < msg.node_entities_info_seq().size(); i++) {
        const auto &n = msg.node_entities_info_seq()[i];
        std::vector<std::string> r, w;
        for (const auto &g : n.reader_gid_seq()) {
          r.push_back(hex(g.data().data(), 16));
          tails_zero = tails_zero && tail_zero<typename T::Gid, T::gid_size>(g);
        }
        for (const auto &g : n.writer_gid_seq()) {
          w.push_back(hex(g.data().data(), 16));
          tails_zero = tails_zero && tail_zero<typename T::Gid, T::gid_size>(g);
        }
        char counts[64];
        std::snprintf(counts, sizeof counts, ",\"readers\":%zu,\"writers\":%zu", r.size(), w.size());
        nodes += std::string(i ? "," : "") + "{\"name\":" + json_string(n.node_name().to_string()) +
                 ",\"namespace\":" + json_string(n.node_namespace().to_string()) + ",\"gid\":\"" +
                 hex(gid.data(), 16) + "\"" + counts + ",\"reader_gids\":" + json_gids(r) +
                 ",\"writer_gids\":" + json_gids(w) + "}";
      }
      nodes += "]";
      emit("{\"event\":\"graph\",\"vendor\":\"fastdds\",\"gid\":\"%s\",\"gid_size\":%zu,"
           "\"gid_tails_zero\":%s,\"nodes\":%s}",
           hex(gid.data(), 16).c_str(), T::gid_size, tails_zero ? "true" : "false", nodes.c_str());
    }
  }
};

struct Graph {
  virtual ~Graph() = default;
  virtual void create(Node &node) = 0;
  // One complete snapshot of this participant's one node, as rmw_dds_common publishes it.
  virtual void publish(const Node &node, const std::string &name, const std::string &ns) = 0;
};

template <typename T>
struct GraphOf : Graph {
  TypeSupport type{new typename T::PubSub()};
  GraphListener<T> listener;
  DataWriter *writer = nullptr;
  DataReader *reader = nullptr;

  void create(Node &node) override {
    // Both layouts travel under the one DDS type name rmw_dds_common gives them.
    type->setName(GRAPH_TYPE_NAME);
    listener.own = node.participant->guid();
    Topic *t = node.topic("ros_discovery_info", type);
    // The context's endpoints belong to no node: not listed.
    writer = node.writer(t, writer_qos(GRAPH_HASH, true, 1), nullptr, false);
    reader = node.reader(t, reader_qos(GRAPH_HASH, true, true), &listener, false);
  }

  void publish(const Node &node, const std::string &name, const std::string &ns) override {
    typename T::Msg msg;
    // Zeroed first, as rmw zero-initialises its rmw_gid_t (Humble's last 8 bytes stay 0).
    std::memset(msg.gid().data().data(), 0, T::gid_size);
    GUID_t pg = node.participant->guid();
    std::memcpy(msg.gid().data().data(), pg.guidPrefix.value, 12);
    std::memcpy(msg.gid().data().data() + 12, pg.entityId.value, 4);
    typename T::NodeInfo n;
    n.node_namespace() = ns;
    n.node_name() = name;
    auto fill = [](std::vector<typename T::Gid> &seq, const std::vector<std::string> &gids) {
      for (const auto &h : gids) {
        typename T::Gid g;
        std::memset(g.data().data(), 0, T::gid_size);
        for (size_t i = 0; i < 16; i++) g.data()[i] = static_cast<uint8_t>(std::stoul(h.substr(2 * i, 2), nullptr, 16));
        seq.push_back(g);
      }
    };
    fill(n.reader_gid_seq(), node.readers);
    fill(n.writer_gid_seq(), node.writers);
    msg.node_entities_info_seq().push_back(n);
    if (!writer->write(&msg)) fail("writing ros_discovery_info failed");
  }
};

// Reader GUIDs the reply writer has matched (rmw_fastrtps's ServicePubListener).
struct ReplyWriterListener : DataWriterListener {
  std::mutex mutex;
  std::set<GUID_t> readers;
  void on_publication_matched(DataWriter *, const PublicationMatchedStatus &s) override {
    GUID_t g = eprosima::fastrtps::rtps::iHandle2GUID(s.last_subscription_handle);
    std::lock_guard<std::mutex> lock(mutex);
    if (s.current_count_change > 0) readers.insert(g);
    else if (s.current_count_change < 0) readers.erase(g);
  }
  bool has(const GUID_t &g) {
    std::lock_guard<std::mutex> lock(mutex);
    return readers.count(g) > 0;
  }
};

static int32_t writer_matches(DataWriter *w) {
  PublicationMatchedStatus s;
  w->get_publication_matched_status(s);
  return s.current_count;
}

static int32_t reader_matches(DataReader *r) {
  SubscriptionMatchedStatus s;
  r->get_subscription_matched_status(s);
  return s.current_count;
}

// Prints "matched" / "unmatched" when all of the endpoints have a match / one lost its last.
struct MatchWatch {
  bool matched = false;
  bool update(bool now) {
    if (now != matched) emit("{\"event\":\"%s\",\"vendor\":\"fastdds\"}", now ? "matched" : "unmatched");
    matched = now;
    return now;
  }
};

static void emit_ready(const Options &o, const Node &node, const std::string &extra) {
  emit("{\"event\":\"ready\",\"vendor\":\"fastdds\",\"role\":\"%s\",\"node\":%s,\"namespace\":%s,"
       "\"participant\":\"%s\",\"reader_gids\":%s,\"writer_gids\":%s%s}",
       o.command.c_str(), json_string(o.node).c_str(), json_string(o.ns).c_str(),
       gid_hex(node.participant->guid()).c_str(), json_gids(node.readers).c_str(), json_gids(node.writers).c_str(),
       extra.c_str());
}

static int run_trigger_server(const Options &o, Node &node, Graph &graph) {
  TypeSupport req_type(new srv::Trigger_Request_PubSubType());
  TypeSupport rep_type(new srv::Trigger_Response_PubSubType());
  std::string svc = ros_name(o.name);
  DataReader *reader = node.reader(node.topic("rq/" + svc + "Request", req_type), reader_qos(REQUEST_HASH));
  ReplyWriterListener listener;
  DataWriter *writer = node.writer(node.topic("rr/" + svc + "Reply", rep_type), writer_qos(RESPONSE_HASH), &listener);
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node, ",\"request_reader\":\"" + gid_hex(reader->guid()) + "\",\"reply_writer\":\"" +
                          gid_hex(writer->guid()) + "\"");

  MatchWatch watch;
  long replied = 0;
  auto start = Clock::now();
  while (!stop_requested && !timed_out(o, start) && (o.count == 0 || replied < o.count)) {
    watch.update(reader_matches(reader) > 0 && writer_matches(writer) > 0);
    if (!reader->wait_for_unread_message(eprosima::fastrtps::Duration_t(0, 50000000))) continue;
    srv::Trigger_Request_ request;
    SampleInfo info;
    while (reader->take_next_sample(&request, &info) == ReturnCode_t::RETCODE_OK) {
      if (!info.valid_data) continue;
      // __rmw_take_request: the request id is (writer GUID, SN), the GUID replaced by the related
      // one when the client sent it (its reply reader's).
      GUID_t to = info.sample_identity.writer_guid();
      bool related = info.related_sample_identity.writer_guid() != GUID_t::unknown();
      if (related) to = info.related_sample_identity.writer_guid();
      int64_t seq = sn_value(info.sample_identity.sequence_number());
      emit("{\"event\":\"request\",\"vendor\":\"fastdds\",\"seq\":%lld,\"writer\":\"%s\",\"related\":%s}",
           static_cast<long long>(seq), gid_hex(info.sample_identity.writer_guid()).c_str(),
           related ? ("\"" + gid_hex(to) + "\"").c_str() : "null");
      // __rmw_send_response: for a reader GUID, wait up to max_blocking_time (100 ms) for the
      // reply writer to match it, else drop the reply.
      if ((to.entityId.value[3] & 0x04) != 0) {
        auto wait_start = Clock::now();
        while (!listener.has(to) && ms_since(wait_start) < 100) sleep_ms(5);
        if (!listener.has(to)) {
          emit("{\"event\":\"dropped\",\"vendor\":\"fastdds\",\"seq\":%lld,\"to\":\"%s\"}",
               static_cast<long long>(seq), gid_hex(to).c_str());
          continue;
        }
      }
      srv::Trigger_Response_ response;
      response.success(true);
      response.message(o.message);
      WriteParams params;
      params.related_sample_identity(SampleIdentity());
      params.related_sample_identity().writer_guid(to);
      params.related_sample_identity().sequence_number(info.sample_identity.sequence_number());
      if (!writer->write(&response, params)) fail("writing the reply failed");
      replied++;
      emit("{\"event\":\"replied\",\"vendor\":\"fastdds\",\"seq\":%lld,\"to\":\"%s\"}", static_cast<long long>(seq),
           gid_hex(to).c_str());
    }
  }
  // Let the last replies be acknowledged before the writer goes.
  writer->wait_for_acknowledgments(eprosima::fastrtps::Duration_t(1, 0));
  emit("{\"event\":\"done\",\"vendor\":\"fastdds\",\"count\":%ld}", replied);
  return 0;
}

static int run_trigger_client(const Options &o, Node &node, Graph &graph) {
  TypeSupport req_type(new srv::Trigger_Request_PubSubType());
  TypeSupport rep_type(new srv::Trigger_Response_PubSubType());
  std::string svc = ros_name(o.name);
  // rmw_fastrtps's rmw_create_client makes the reply reader first: the request writer's SEDP is
  // the last before the first request.
  DataReader *reader = node.reader(node.topic("rr/" + svc + "Reply", rep_type), reader_qos(RESPONSE_HASH));
  DataWriter *writer = node.writer(node.topic("rq/" + svc + "Request", req_type), writer_qos(REQUEST_HASH));
  graph.publish(node, o.node, o.ns);
  const GUID_t reader_guid = reader->guid(), writer_guid = writer->guid();
  emit_ready(o, node, ",\"request_writer\":\"" + gid_hex(writer_guid) + "\",\"reply_reader\":\"" +
                          gid_hex(reader_guid) + "\"");

  auto start = Clock::now();
  MatchWatch watch;
  while (!watch.update(writer_matches(writer) > 0 && reader_matches(reader) > 0)) {
    if (stop_requested || timed_out(o, start)) fail("no service matched");
    sleep_ms(10);
  }
  long count = o.count > 0 ? o.count : 1;
  for (long i = 0; i < count; i++) {
    srv::Trigger_Request_ request;
    // __rmw_send_request: related identity = (reply reader GUID, SN unknown) -> inline QoS 0x800f.
    WriteParams params;
    params.related_sample_identity().writer_guid(reader_guid);
    if (!writer->write(&request, params)) fail("writing the request failed");
    int64_t seq = sn_value(params.sample_identity().sequence_number());
    emit("{\"event\":\"request\",\"vendor\":\"fastdds\",\"seq\":%lld}", static_cast<long long>(seq));
    bool answered = false;
    while (!answered) {
      if (stop_requested || timed_out(o, start)) {
        emit("{\"event\":\"timeout\",\"vendor\":\"fastdds\",\"seq\":%lld,\"responses\":%ld}",
             static_cast<long long>(seq), i);
        return 1;
      }
      if (!reader->wait_for_unread_message(eprosima::fastrtps::Duration_t(0, 50000000))) continue;
      srv::Trigger_Response_ response;
      SampleInfo info;
      while (reader->take_next_sample(&response, &info) == ReturnCode_t::RETCODE_OK) {
        if (!info.valid_data) continue;
        // __rmw_take_response: only replies related to our reply reader or request writer.
        const GUID_t &related = info.related_sample_identity.writer_guid();
        if (related != reader_guid && related != writer_guid) continue;
        int64_t rseq = sn_value(info.related_sample_identity.sequence_number());
        if (rseq != seq) {
          emit("{\"event\":\"stale-response\",\"vendor\":\"fastdds\",\"seq\":%lld}", static_cast<long long>(rseq));
          continue;
        }
        answered = true;
        emit("{\"event\":\"response\",\"vendor\":\"fastdds\",\"seq\":%lld,\"success\":%s,\"message\":%s}",
             static_cast<long long>(rseq), response.success() ? "true" : "false",
             json_string(response.message()).c_str());
      }
    }
  }
  emit("{\"event\":\"done\",\"vendor\":\"fastdds\",\"count\":%ld}", count);
  return 0;
}

static void fill_twist(gm::Twist_ &t, long k) {
  t.linear().x(0.5);
  t.linear().y(0.0);
  t.linear().z(0.0);
  t.angular().x(0.0);
  t.angular().y(0.0);
  t.angular().z(static_cast<double>(k));
}

static int run_twist_pub(const Options &o, Node &node, Graph &graph) {
  TypeSupport type(new gm::Twist_PubSubType());
  DataWriter *writer = node.writer(node.topic("rt/" + ros_name(o.name), type), writer_qos(TWIST_HASH));
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node, ",\"writer\":\"" + gid_hex(writer->guid()) + "\"");
  auto start = Clock::now();
  MatchWatch watch;
  while (!watch.update(writer_matches(writer) > 0)) {
    if (stop_requested || timed_out(o, start)) fail("no subscription matched");
    sleep_ms(10);
  }
  // Give the reader a moment to match us too, or its first sample waits for a heartbeat (--pause 0:
  // publish at once, as `ros2 topic pub --once` does).
  sleep_ms(o.pause_ms);
  long k = 0;
  for (; (o.count == 0 || k < o.count) && !stop_requested && !timed_out(o, start); k++) {
    gm::Twist_ twist;
    fill_twist(twist, k + 1);
    if (!writer->write(&twist)) fail("writing a Twist failed");
    watch.update(writer_matches(writer) > 0);
    if (o.interval_ms > 0 && (o.count == 0 || k + 1 < o.count)) sleep_ms(o.interval_ms);
  }
  // --ack-wait 0: no waiting, as `ros2 topic pub`, which only sleeps --keep-alive (here --linger).
  const char *acked = "null";
  if (o.ack_wait_ms > 0) {
    eprosima::fastrtps::Duration_t wait(static_cast<int32_t>(o.ack_wait_ms / 1000),
                                        static_cast<uint32_t>(o.ack_wait_ms % 1000) * 1000000u);
    acked = writer->wait_for_acknowledgments(wait) == ReturnCode_t::RETCODE_OK ? "true" : "false";
  }
  emit("{\"event\":\"published\",\"vendor\":\"fastdds\",\"count\":%ld,\"acked\":%s}", k, acked);
  return o.count == 0 || k == o.count ? 0 : 1;
}

static int run_twist_sub(const Options &o, Node &node, Graph &graph) {
  TypeSupport type(new gm::Twist_PubSubType());
  DataReader *reader = node.reader(node.topic("rt/" + ros_name(o.name), type), reader_qos(TWIST_HASH));
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node, ",\"reader\":\"" + gid_hex(reader->guid()) + "\"");
  auto start = Clock::now();
  MatchWatch watch;
  long received = 0;
  while (!stop_requested && (o.count == 0 || received < o.count)) {
    if (timed_out(o, start)) {
      emit("{\"event\":\"timeout\",\"vendor\":\"fastdds\",\"received\":%ld}", received);
      return o.count == 0 ? 0 : 1;
    }
    watch.update(reader_matches(reader) > 0);
    if (!reader->wait_for_unread_message(eprosima::fastrtps::Duration_t(0, 50000000))) continue;
    gm::Twist_ t;
    SampleInfo info;
    while (reader->take_next_sample(&t, &info) == ReturnCode_t::RETCODE_OK) {
      if (!info.valid_data) continue;
      received++;
      emit("{\"event\":\"twist\",\"vendor\":\"fastdds\",\"linear_x\":%.17g,\"linear_y\":%.17g,\"linear_z\":%.17g,"
           "\"angular_x\":%.17g,\"angular_y\":%.17g,\"angular_z\":%.17g,\"writer\":\"%s\"}",
           t.linear().x(), t.linear().y(), t.linear().z(), t.angular().x(), t.angular().y(), t.angular().z(),
           gid_hex(info.sample_identity.writer_guid()).c_str());
    }
  }
  // Give the acknowledgements of the last samples a moment to leave before the reader goes.
  sleep_ms(200);
  emit("{\"event\":\"done\",\"vendor\":\"fastdds\",\"count\":%ld}", received);
  return 0;
}

static int run_graph(const Options &o, Node &node, Graph &graph) {
  TypeSupport type(new gm::Twist_PubSubType());
  DataWriter *writer = nullptr;
  if (!o.topic.empty()) writer = node.writer(node.topic("rt/" + ros_name(o.topic), type), writer_qos(TWIST_HASH));
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node, "");
  auto start = Clock::now();
  while (!stop_requested && !timed_out(o, start)) sleep_ms(20);
  (void) writer;
  emit("{\"event\":\"done\",\"vendor\":\"fastdds\"}");
  return 0;
}

int main(int argc, char **argv) {
  Options o = parse(argc, argv);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  // rmw_fastrtps: participant name = enclave, USER_DATA "enclave=/;" with its NUL.
  DomainParticipantQos pqos = PARTICIPANT_QOS_DEFAULT;
  pqos.name("/");
  const char enclave[] = "enclave=/;";
  pqos.user_data().setValue(std::vector<eprosima::fastrtps::rtps::octet>(enclave, enclave + sizeof enclave));
  pqos.transport().use_builtin_transports = false;
  auto udp = std::make_shared<eprosima::fastdds::rtps::UDPv4TransportDescriptor>();
  pqos.transport().user_transports.push_back(udp);

  Node node;
  node.participant = DomainParticipantFactory::get_instance()->create_participant(o.domain, pqos);
  if (node.participant == nullptr) fail("create_participant failed");
  node.publisher = node.participant->create_publisher(PUBLISHER_QOS_DEFAULT);
  node.subscriber = node.participant->create_subscriber(SUBSCRIBER_QOS_DEFAULT);
  if (node.publisher == nullptr || node.subscriber == nullptr) fail("create_publisher/subscriber failed");
  no_typehash = o.humble;
  std::unique_ptr<Graph> graph_of;
  if (o.humble) graph_of.reset(new GraphOf<HumbleGraphTypes>());
  else graph_of.reset(new GraphOf<JazzyGraphTypes>());
  Graph &graph = *graph_of;
  graph.create(node);
  for (auto t = Clock::now(); !stop_requested && ms_since(t) < o.startup_ms;) sleep_ms(10);

  int code;
  if (o.command == "trigger-server") code = run_trigger_server(o, node, graph);
  else if (o.command == "trigger-client") code = run_trigger_client(o, node, graph);
  else if (o.command == "twist-pub") code = run_twist_pub(o, node, graph);
  else if (o.command == "twist-sub") code = run_twist_sub(o, node, graph);
  else code = run_graph(o, node, graph);
  for (auto t = Clock::now(); !stop_requested && ms_since(t) < o.linger_ms;) sleep_ms(20);

  node.participant->delete_contained_entities();
  DomainParticipantFactory::get_instance()->delete_participant(node.participant);
  return code;
}
