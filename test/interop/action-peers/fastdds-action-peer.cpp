// A ROS 2 action client or server (example_interfaces/action/Fibonacci) as rcl_action over
// rmw_fastrtps_cpp puts it on the wire, on the Fast DDS 2.9 DDS API (eprosima::fastdds::dds) with
// fastddsgen types from action_types.idl and action_srv_fastdds.idl. Built by
// test/interop/action-peers/action-peers.ts; same command line and output as cyclone-action-peer.c:
//
//   peer action-client ACTION | action-server ACTION | status-watch ACTION
//        [--order N] [--cancel-after K] [--interval MS] [--count N] [--node NAME] [--namespace NS]
//        [--domain ID] [--timeout MS] [--linger MS] [--startup MS]
//
// Names (rcl_action names.c): ACTION's services are `<ACTION>/_action/{send_goal,cancel_goal,
// get_result}` (DDS `rq/…Request`, `rr/…Reply`), its topics `<ACTION>/_action/{feedback,status}`
// (DDS `rt/…`). QoS as rmw: RELIABLE, VOLATILE, KEEP_LAST 10 (services, feedback); status
// RELIABLE, TRANSIENT_LOCAL, KEEP_LAST 1 on both sides (rcl_action_qos_profile_status_default);
// ros_discovery_info as in the rmw peers. USER_DATA `typehash=RIHS01_…;` per endpoint.
// Service correlation as rmw_fastrtps with Fast DDS 2.9: inline QoS PID 0x800f (WriteParams
// related_sample_identity), no payload header. UDPv4 only, data sharing off.
#include "action_srv_fastdds.h"
#include "action_srv_fastddsPubSubTypes.h"
#include "action_types.h"
#include "action_typesPubSubTypes.h"

#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/publisher/DataWriterListener.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/topic/Topic.hpp>
#include <fastdds/dds/topic/TypeSupport.hpp>
#include <fastdds/rtps/common/InstanceHandle.h>
#include <fastdds/rtps/common/WriteParams.h>
#include <fastdds/rtps/transport/UDPv4TransportDescriptor.h>

#include <array>
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
#include <random>
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
namespace am = action_msgs::msg::dds_;
namespace as = action_msgs::srv::dds_;
namespace bi = builtin_interfaces::msg::dds_;
namespace fib = example_interfaces::action::dds_;
namespace rdc = rmw_dds_common::msg::dds_;
using Uuid = std::array<uint8_t, 16>;

// Type hashes (Jazzy, RIHS01) of the endpoint types, from ros2ts's typeHashOf.
static const char *SEND_GOAL_REQUEST_HASH = "RIHS01_3d088942b413247db536576f0286768c6be8fcd5d0c9a5d544f359fba090a238";
static const char *SEND_GOAL_RESPONSE_HASH = "RIHS01_d8c07bb3d5b766fe4b43159c9a5222af5214e2fcc29229b991d826166c512be1";
static const char *GET_RESULT_REQUEST_HASH = "RIHS01_c8a4f5e7d13b81286ee1043e2ecd084281cecf1ff06aaa799464f5f15479f003";
static const char *GET_RESULT_RESPONSE_HASH = "RIHS01_6021dc98ab9b4bbe395e48aa4de81ee5f68eb570f88358affcc648146668b24f";
static const char *CANCEL_REQUEST_HASH = "RIHS01_3d3c84653c1f96918086887e1dcb236faec88b81a5b14fd4cf4840065bcdf8af";
static const char *CANCEL_RESPONSE_HASH = "RIHS01_35e682cf3f510e83c70a82a4aac888496dedee56773bf9d8e5e0aa81f9e1c960";
static const char *FEEDBACK_HASH = "RIHS01_c1de71afd52e49a89c53d8262366884185bc0a02f78ce051c4e46b0a7fe59bb2";
static const char *STATUS_HASH = "RIHS01_6c1684b00f177d37438febe6e709fc4e2b0d4248dca4854946f9ed8b30cda83e";
static const char *GRAPH_HASH = "RIHS01_91a0593bacdcc50ea9bdcf849a938b128412cc1ea821245c663bcd26f83c295e";

enum Status : uint8_t { UNKNOWN = 0, ACCEPTED, EXECUTING, CANCELING, SUCCEEDED, CANCELED, ABORTED };
enum CancelCode : uint8_t { ERROR_NONE = 0, ERROR_REJECTED, ERROR_UNKNOWN_GOAL_ID, ERROR_GOAL_TERMINATED };
static bool is_terminal(uint8_t s) { return s >= SUCCEEDED; }

struct Options {
  std::string command;
  std::string action;  // ROS name
  long order = 10;
  long cancel_after = 0;  // client: cancel after this many feedbacks (0: never)
  long interval_ms = 50;  // server: between Fibonacci steps
  long count = 0;         // server: goals to finish before exiting; status-watch: samples (0: 1)
  std::string node;
  std::string ns = "/";
  uint32_t domain = 0;
  long timeout_ms = 60000;  // 0: no limit
  long linger_ms = 0;
  long startup_ms = 0;
};

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
  std::fprintf(stderr, "fastdds-action-peer: %s\n", message.c_str());
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
  if (argc < 3 || argv[2][0] == '-') fail("usage: peer action-client|action-server|status-watch ACTION [options]");
  o.command = argv[1];
  if (o.command != "action-client" && o.command != "action-server" && o.command != "status-watch")
    fail("unknown subcommand " + o.command);
  o.action = argv[2];
  for (int i = 3; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--order") o.order = parse_number(argc, argv, i);
    else if (a == "--cancel-after") o.cancel_after = parse_number(argc, argv, i);
    else if (a == "--interval") o.interval_ms = parse_number(argc, argv, i);
    else if (a == "--count") o.count = parse_number(argc, argv, i);
    else if (a == "--node" && i + 1 < argc) o.node = argv[++i];
    else if (a == "--namespace" && i + 1 < argc) o.ns = argv[++i];
    else if (a == "--domain") o.domain = static_cast<uint32_t>(parse_number(argc, argv, i));
    else if (a == "--timeout") o.timeout_ms = parse_number(argc, argv, i);
    else if (a == "--linger") o.linger_ms = parse_number(argc, argv, i);
    else if (a == "--startup") o.startup_ms = parse_number(argc, argv, i);
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

static std::string uuid_hex(const Uuid &u) { return hex(u.data(), u.size()); }

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

static std::string json_ints(const std::vector<int32_t> &v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); i++) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "]";
}

static std::string json_status_list(const am::GoalStatusArray_ &msg) {
  std::string out = "[";
  for (size_t i = 0; i < msg.status_list().size(); i++) {
    const am::GoalStatus_ &s = msg.status_list()[i];
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s{\"goal_id\":\"%s\",\"status\":%d,\"stamp_sec\":%d,\"stamp_nanosec\":%u}",
                  i ? "," : "", uuid_hex(s.goal_info().goal_id().uuid()).c_str(), static_cast<int8_t>(s.status()),
                  s.goal_info().stamp().sec(), s.goal_info().stamp().nanosec());
    out += buf;
  }
  return out + "]";
}

static int64_t sn_value(const SequenceNumber_t &sn) {
  return (static_cast<int64_t>(sn.high) << 32) | static_cast<int64_t>(sn.low);
}

static void set_typehash(GenericDataQosPolicy &user_data, const char *hash) {
  std::string text = std::string("typehash=") + hash + ";";
  user_data.setValue(std::vector<eprosima::fastrtps::rtps::octet>(text.begin(), text.end()));
}

// The QoS rmw_fastrtps gives a ROS endpoint: RELIABLE, KEEP_LAST depth; volatile unless asked.
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

static DataReaderQos reader_qos(const char *hash, bool transient_local = false, bool keep_all = false,
                                int32_t depth = 10) {
  DataReaderQos qos = DATAREADER_QOS_DEFAULT;
  qos.reliability().kind = RELIABLE_RELIABILITY_QOS;
  qos.durability().kind = transient_local ? TRANSIENT_LOCAL_DURABILITY_QOS : VOLATILE_DURABILITY_QOS;
  qos.history().kind = keep_all ? KEEP_ALL_HISTORY_QOS : KEEP_LAST_HISTORY_QOS;
  qos.history().depth = keep_all ? 1 : depth;
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

  DataReader *reader(Topic *t, const DataReaderQos &qos, bool listed = true) {
    DataReader *r = subscriber->create_datareader(t, qos, nullptr, StatusMask::none());
    if (r == nullptr) fail("create_datareader failed for " + t->get_name());
    if (listed) readers.push_back(gid_hex(r->guid()));
    return r;
  }
};

// ros_discovery_info: this participant's one node with its endpoints, as rmw_dds_common publishes it.
struct Graph {
  TypeSupport type{new rdc::ParticipantEntitiesInfo_PubSubType()};
  DataWriter *writer = nullptr;

  void create(Node &node) {
    Topic *t = node.topic("ros_discovery_info", type);
    // The context's endpoints belong to no node: not listed.
    writer = node.writer(t, writer_qos(GRAPH_HASH, true, 1), nullptr, false);
    node.reader(t, reader_qos(GRAPH_HASH, true, true), false);
  }

  void publish(const Node &node, const std::string &name, const std::string &ns) {
    rdc::ParticipantEntitiesInfo_ msg;
    GUID_t pg = node.participant->guid();
    std::memcpy(msg.gid().data().data(), pg.guidPrefix.value, 12);
    std::memcpy(msg.gid().data().data() + 12, pg.entityId.value, 4);
    rdc::NodeEntitiesInfo_ n;
    n.node_namespace() = ns;
    n.node_name() = name;
    auto fill = [](std::vector<rdc::Gid_> &seq, const std::vector<std::string> &gids) {
      for (const auto &h : gids) {
        rdc::Gid_ g;
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

// Reader GUIDs a reply writer has matched (rmw_fastrtps's ServicePubListener).
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

// "<action>/_action/<what>" without the leading slash.
static std::string action_part(const Options &o, const char *what) {
  std::string a = o.action[0] == '/' ? o.action.substr(1) : o.action;
  return a + "/_action/" + what;
}

// One service client as rmw_fastrtps makes it: reply reader first, then the request writer.
template <class Req, class ReqT, class Rep, class RepT>
struct ServiceClient {
  TypeSupport req_type{new ReqT()};
  TypeSupport rep_type{new RepT()};
  DataReader *reader = nullptr;
  DataWriter *writer = nullptr;
  GUID_t reader_guid, writer_guid;

  void create(Node &node, const std::string &service, const char *req_hash, const char *rep_hash) {
    reader = node.reader(node.topic("rr/" + service + "Reply", rep_type), reader_qos(rep_hash));
    writer = node.writer(node.topic("rq/" + service + "Request", req_type), writer_qos(req_hash));
    reader_guid = reader->guid();
    writer_guid = writer->guid();
  }

  bool matched() { return writer_matches(writer) > 0 && reader_matches(reader) > 0; }

  // __rmw_send_request: related identity = (reply reader GUID, SN unknown) -> inline QoS 0x800f.
  int64_t send(Req &request) {
    WriteParams params;
    params.related_sample_identity().writer_guid(reader_guid);
    if (!writer->write(&request, params)) fail("writing a request failed");
    return sn_value(params.sample_identity().sequence_number());
  }

  // __rmw_take_response: only replies related to our reply reader or request writer.
  bool take(Rep &reply, int64_t &seq) {
    SampleInfo info;
    while (reader->take_next_sample(&reply, &info) == ReturnCode_t::RETCODE_OK) {
      if (!info.valid_data) continue;
      const GUID_t &related = info.related_sample_identity.writer_guid();
      if (related != reader_guid && related != writer_guid) continue;
      seq = sn_value(info.related_sample_identity.sequence_number());
      return true;
    }
    return false;
  }
};

// Where a reply goes: the request's writer (or the related reader the client named) and SN.
struct ReplyTo {
  GUID_t to;
  SequenceNumber_t sn;
};

// One service server as rmw_fastrtps makes it: request reader, reply writer (with its listener).
template <class Req, class ReqT, class Rep, class RepT>
struct ServiceServer {
  TypeSupport req_type{new ReqT()};
  TypeSupport rep_type{new RepT()};
  ReplyWriterListener listener;
  DataReader *reader = nullptr;
  DataWriter *writer = nullptr;
  std::string name;

  void create(Node &node, const std::string &service, const char *req_hash, const char *rep_hash) {
    name = service;
    reader = node.reader(node.topic("rq/" + service + "Request", req_type), reader_qos(req_hash));
    writer = node.writer(node.topic("rr/" + service + "Reply", rep_type), writer_qos(rep_hash), &listener);
  }

  bool matched() { return reader_matches(reader) > 0 && writer_matches(writer) > 0; }

  // __rmw_take_request: the request id is (writer GUID, SN), the GUID replaced by the related one
  // when the client sent it (its reply reader's).
  bool take(Req &request, ReplyTo &from) {
    SampleInfo info;
    while (reader->take_next_sample(&request, &info) == ReturnCode_t::RETCODE_OK) {
      if (!info.valid_data) continue;
      from.to = info.sample_identity.writer_guid();
      if (info.related_sample_identity.writer_guid() != GUID_t::unknown())
        from.to = info.related_sample_identity.writer_guid();
      from.sn = info.sample_identity.sequence_number();
      return true;
    }
    return false;
  }

  // __rmw_send_response: for a reader GUID, wait up to max_blocking_time (100 ms) for the reply
  // writer to match it, else drop the reply.
  bool reply(Rep &response, const ReplyTo &to) {
    if ((to.to.entityId.value[3] & 0x04) != 0) {
      auto wait_start = Clock::now();
      while (!listener.has(to.to) && ms_since(wait_start) < 100) sleep_ms(5);
      if (!listener.has(to.to)) {
        emit("{\"event\":\"dropped\",\"vendor\":\"fastdds\",\"service\":%s,\"seq\":%lld,\"to\":\"%s\"}",
             json_string(name).c_str(), static_cast<long long>(sn_value(to.sn)), gid_hex(to.to).c_str());
        return false;
      }
    }
    WriteParams params;
    params.related_sample_identity(SampleIdentity());
    params.related_sample_identity().writer_guid(to.to);
    params.related_sample_identity().sequence_number(to.sn);
    if (!writer->write(&response, params)) fail("writing a reply failed");
    return true;
  }
};

using SendGoalClient = ServiceClient<fib::Fibonacci_SendGoal_Request_, fib::Fibonacci_SendGoal_Request_PubSubType,
                                     fib::Fibonacci_SendGoal_Response_, fib::Fibonacci_SendGoal_Response_PubSubType>;
using CancelClient = ServiceClient<as::CancelGoal_Request_, as::CancelGoal_Request_PubSubType, as::CancelGoal_Response_,
                                   as::CancelGoal_Response_PubSubType>;
using GetResultClient =
    ServiceClient<fib::Fibonacci_GetResult_Request_, fib::Fibonacci_GetResult_Request_PubSubType,
                  fib::Fibonacci_GetResult_Response_, fib::Fibonacci_GetResult_Response_PubSubType>;
using SendGoalServer = ServiceServer<fib::Fibonacci_SendGoal_Request_, fib::Fibonacci_SendGoal_Request_PubSubType,
                                     fib::Fibonacci_SendGoal_Response_, fib::Fibonacci_SendGoal_Response_PubSubType>;
using CancelServer = ServiceServer<as::CancelGoal_Request_, as::CancelGoal_Request_PubSubType, as::CancelGoal_Response_,
                                   as::CancelGoal_Response_PubSubType>;
using GetResultServer =
    ServiceServer<fib::Fibonacci_GetResult_Request_, fib::Fibonacci_GetResult_Request_PubSubType,
                  fib::Fibonacci_GetResult_Response_, fib::Fibonacci_GetResult_Response_PubSubType>;

static void emit_ready(const Options &o, const Node &node) {
  emit("{\"event\":\"ready\",\"vendor\":\"fastdds\",\"role\":\"%s\",\"node\":%s,\"namespace\":%s,"
       "\"participant\":\"%s\",\"reader_gids\":%s,\"writer_gids\":%s}",
       o.command.c_str(), json_string(o.node).c_str(), json_string(o.ns).c_str(),
       gid_hex(node.participant->guid()).c_str(), json_gids(node.readers).c_str(), json_gids(node.writers).c_str());
}

static bi::Time_ now_stamp() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  bi::Time_ t;
  t.sec(static_cast<int32_t>(ns / 1000000000));
  t.nanosec(static_cast<uint32_t>(ns % 1000000000));
  return t;
}

// ---------------------------------------------------------------------------------------------
// action-client: one goal, as rclcpp_action's client sends it (get_result right after acceptance).

static int run_client(const Options &o, Node &node, Graph &graph) {
  // rcl_action_client_init's order: goal, cancel and result clients, feedback, status.
  SendGoalClient goal_client;
  CancelClient cancel_client;
  GetResultClient result_client;
  goal_client.create(node, action_part(o, "send_goal"), SEND_GOAL_REQUEST_HASH, SEND_GOAL_RESPONSE_HASH);
  cancel_client.create(node, action_part(o, "cancel_goal"), CANCEL_REQUEST_HASH, CANCEL_RESPONSE_HASH);
  result_client.create(node, action_part(o, "get_result"), GET_RESULT_REQUEST_HASH, GET_RESULT_RESPONSE_HASH);
  TypeSupport feedback_type(new fib::Fibonacci_FeedbackMessage_PubSubType());
  TypeSupport status_type(new am::GoalStatusArray_PubSubType());
  DataReader *feedback = node.reader(node.topic("rt/" + action_part(o, "feedback"), feedback_type), reader_qos(FEEDBACK_HASH));
  DataReader *status = node.reader(node.topic("rt/" + action_part(o, "status"), status_type),
                                   reader_qos(STATUS_HASH, true, false, 1));
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node);

  auto start = Clock::now();
  // rcl_action_server_is_available: the three services and both topics have a match.
  while (!(goal_client.matched() && cancel_client.matched() && result_client.matched() &&
           reader_matches(feedback) > 0 && reader_matches(status) > 0)) {
    if (stop_requested || timed_out(o, start)) fail("no action server matched");
    sleep_ms(10);
  }
  emit("{\"event\":\"matched\",\"vendor\":\"fastdds\"}");

  Uuid id;
  std::random_device rd;
  for (auto &b : id) b = static_cast<uint8_t>(rd());
  const std::string idhex = uuid_hex(id);
  fib::Fibonacci_SendGoal_Request_ goal;
  goal.goal_id().uuid(id);
  goal.goal().order(static_cast<int32_t>(o.order));
  int64_t goal_seq = goal_client.send(goal);
  emit("{\"event\":\"goal\",\"vendor\":\"fastdds\",\"goal_id\":\"%s\",\"order\":%ld,\"seq\":%lld}", idhex.c_str(),
       o.order, static_cast<long long>(goal_seq));

  bool accepted = false, have_result = false, cancel_sent = false;
  int64_t result_seq = -1, cancel_seq = -1;
  long feedbacks = 0, others = 0;
  int last_status = -1, result_status = -1;
  Clock::time_point result_at;
  for (;;) {
    if (stop_requested || timed_out(o, start)) {
      emit("{\"event\":\"timeout\",\"vendor\":\"fastdds\",\"accepted\":%s,\"feedbacks\":%ld,\"result\":%s}",
           accepted ? "true" : "false", feedbacks, have_result ? "true" : "false");
      return 1;
    }
    bool idle = true;
    fib::Fibonacci_SendGoal_Response_ goal_reply;
    int64_t seq;
    while (goal_client.take(goal_reply, seq)) {
      idle = false;
      if (seq != goal_seq) continue;
      emit("{\"event\":\"accepted\",\"vendor\":\"fastdds\",\"accepted\":%s,\"stamp_sec\":%d,\"stamp_nanosec\":%u}",
           goal_reply.accepted() ? "true" : "false", goal_reply.stamp().sec(), goal_reply.stamp().nanosec());
      if (!goal_reply.accepted()) return 3;
      accepted = true;
      fib::Fibonacci_GetResult_Request_ get;
      get.goal_id().uuid(id);
      result_seq = result_client.send(get);
      emit("{\"event\":\"result_requested\",\"vendor\":\"fastdds\",\"seq\":%lld}", static_cast<long long>(result_seq));
    }
    fib::Fibonacci_FeedbackMessage_ fb;
    SampleInfo info;
    while (feedback->take_next_sample(&fb, &info) == ReturnCode_t::RETCODE_OK) {
      if (!info.valid_data) continue;
      idle = false;
      if (fb.goal_id().uuid() != id) {
        others++;
        continue;
      }
      feedbacks++;
      emit("{\"event\":\"feedback\",\"vendor\":\"fastdds\",\"index\":%ld,\"sequence\":%s}", feedbacks,
           json_ints(fb.feedback().sequence_()).c_str());
      if (o.cancel_after > 0 && feedbacks == o.cancel_after && !cancel_sent) {
        as::CancelGoal_Request_ cancel;
        cancel.goal_info().goal_id().uuid(id);  // stamp zero: this goal only
        cancel_seq = cancel_client.send(cancel);
        cancel_sent = true;
        emit("{\"event\":\"cancel\",\"vendor\":\"fastdds\",\"seq\":%lld}", static_cast<long long>(cancel_seq));
      }
    }
    am::GoalStatusArray_ statuses;
    while (status->take_next_sample(&statuses, &info) == ReturnCode_t::RETCODE_OK) {
      if (!info.valid_data) continue;
      idle = false;
      for (const auto &s : statuses.status_list()) {
        if (s.goal_info().goal_id().uuid() != id || s.status() == last_status) continue;
        last_status = s.status();
        emit("{\"event\":\"status\",\"vendor\":\"fastdds\",\"status\":%d,\"goals\":%zu}", last_status,
             statuses.status_list().size());
      }
    }
    as::CancelGoal_Response_ cancel_reply;
    while (cancel_client.take(cancel_reply, seq)) {
      idle = false;
      if (seq != cancel_seq) continue;
      std::string ids = "[";
      for (size_t i = 0; i < cancel_reply.goals_canceling().size(); i++)
        ids += std::string(i ? ",\"" : "\"") + uuid_hex(cancel_reply.goals_canceling()[i].goal_id().uuid()) + "\"";
      emit("{\"event\":\"cancel_response\",\"vendor\":\"fastdds\",\"return_code\":%d,\"goals_canceling\":%s]}",
           static_cast<int8_t>(cancel_reply.return_code()), ids.c_str());
    }
    fib::Fibonacci_GetResult_Response_ result;
    while (result_client.take(result, seq)) {
      idle = false;
      if (seq != result_seq || have_result) continue;
      have_result = true;
      result_status = static_cast<int8_t>(result.status());
      result_at = Clock::now();
      emit("{\"event\":\"result\",\"vendor\":\"fastdds\",\"status\":%d,\"sequence\":%s}", result_status,
           json_ints(result.result().sequence_()).c_str());
    }
    // The terminal status may trail the result (another topic): give it a second.
    if (have_result && (is_terminal(static_cast<uint8_t>(last_status)) || ms_since(result_at) > 1000)) break;
    if (idle) sleep_ms(2);
  }
  emit("{\"event\":\"done\",\"vendor\":\"fastdds\",\"status\":%d,\"feedbacks\":%ld,\"other_feedbacks\":%ld}",
       result_status, feedbacks, others);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// action-server: the tutorial's Fibonacci, one step per --interval, as rclcpp_action serves it.

struct Goal {
  Uuid id;
  bi::Time_ stamp;
  int32_t order;
  uint8_t status = ACCEPTED;
  std::vector<int32_t> sequence{0, 1};
  Clock::time_point next_step;
  std::vector<ReplyTo> waiting;  // get_result requests answered when the goal ends
};

static int run_server(const Options &o, Node &node, Graph &graph) {
  SendGoalServer goal_server;
  CancelServer cancel_server;
  GetResultServer result_server;
  goal_server.create(node, action_part(o, "send_goal"), SEND_GOAL_REQUEST_HASH, SEND_GOAL_RESPONSE_HASH);
  cancel_server.create(node, action_part(o, "cancel_goal"), CANCEL_REQUEST_HASH, CANCEL_RESPONSE_HASH);
  result_server.create(node, action_part(o, "get_result"), GET_RESULT_REQUEST_HASH, GET_RESULT_RESPONSE_HASH);
  TypeSupport feedback_type(new fib::Fibonacci_FeedbackMessage_PubSubType());
  TypeSupport status_type(new am::GoalStatusArray_PubSubType());
  DataWriter *feedback = node.writer(node.topic("rt/" + action_part(o, "feedback"), feedback_type), writer_qos(FEEDBACK_HASH));
  DataWriter *status = node.writer(node.topic("rt/" + action_part(o, "status"), status_type),
                                   writer_qos(STATUS_HASH, true, 1));
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node);

  std::vector<Goal> goals;
  auto find = [&](const Uuid &id) -> Goal * {
    for (auto &g : goals)
      if (g.id == id) return &g;
    return nullptr;
  };
  auto publish_status = [&]() {
    am::GoalStatusArray_ msg;
    for (const auto &g : goals) {
      am::GoalStatus_ s;
      s.goal_info().goal_id().uuid(g.id);
      s.goal_info().stamp(g.stamp);
      s.status(g.status);
      msg.status_list().push_back(s);
    }
    if (!status->write(&msg)) fail("writing the status failed");
  };
  auto transition = [&](Goal &g, uint8_t to) {
    g.status = to;
    publish_status();
    emit("{\"event\":\"status\",\"vendor\":\"fastdds\",\"goal_id\":\"%s\",\"status\":%d}", uuid_hex(g.id).c_str(), to);
  };
  auto send_result = [&](Goal &g, const ReplyTo &to) {
    fib::Fibonacci_GetResult_Response_ r;
    r.status(g.status);
    r.result().sequence_(g.sequence);
    bool sent = result_server.reply(r, to);
    emit("{\"event\":\"result_sent\",\"vendor\":\"fastdds\",\"goal_id\":\"%s\",\"status\":%d,\"sent\":%s}",
         uuid_hex(g.id).c_str(), g.status, sent ? "true" : "false");
  };

  bool matched = false;
  long finished = 0;
  auto start = Clock::now();
  while (!stop_requested && !timed_out(o, start) && (o.count == 0 || finished < o.count)) {
    bool now_matched = goal_server.matched() && cancel_server.matched() && result_server.matched();
    if (now_matched != matched) emit("{\"event\":\"%s\",\"vendor\":\"fastdds\"}", now_matched ? "matched" : "unmatched");
    matched = now_matched;
    bool idle = true;
    fib::Fibonacci_SendGoal_Request_ req;
    ReplyTo from;
    while (goal_server.take(req, from)) {
      idle = false;
      fib::Fibonacci_SendGoal_Response_ rep;
      bool accept = find(req.goal_id().uuid()) == nullptr;
      rep.accepted(accept);
      if (accept) {
        Goal g;
        g.id = req.goal_id().uuid();
        g.stamp = now_stamp();
        g.order = req.goal().order();
        g.next_step = Clock::now() + std::chrono::milliseconds(o.interval_ms);
        goals.push_back(g);
        rep.stamp(g.stamp);
      }
      emit("{\"event\":\"goal\",\"vendor\":\"fastdds\",\"goal_id\":\"%s\",\"order\":%d,\"accepted\":%s,\"feedback_readers\":%d}",
           uuid_hex(req.goal_id().uuid()).c_str(), req.goal().order(), accept ? "true" : "false",
           writer_matches(feedback));
      goal_server.reply(rep, from);
      if (accept) {
        // rclcpp_action: ACCEPTED is published, then execute() makes it EXECUTING.
        transition(goals.back(), ACCEPTED);
        transition(goals.back(), EXECUTING);
      }
    }
    as::CancelGoal_Request_ creq;
    while (cancel_server.take(creq, from)) {
      idle = false;
      // rcl_action_process_cancel_request: a goal id selects that goal, a stamp every goal accepted
      // at or before it; both zero select all goals.
      const Uuid &cid = creq.goal_info().goal_id().uuid();
      const bi::Time_ &cst = creq.goal_info().stamp();
      bool zero_id = cid == Uuid{};
      bool zero_stamp = cst.sec() == 0 && cst.nanosec() == 0;
      as::CancelGoal_Response_ rep;
      size_t selected = 0;
      for (auto &g : goals) {
        bool before = !zero_stamp && (g.stamp.sec() < cst.sec() ||
                                      (g.stamp.sec() == cst.sec() && g.stamp.nanosec() <= cst.nanosec()));
        if (!(g.id == cid || before || (zero_id && zero_stamp))) continue;
        selected++;
        if (g.status != ACCEPTED && g.status != EXECUTING) continue;
        transition(g, CANCELING);
        am::GoalInfo_ info;
        info.goal_id().uuid(g.id);
        info.stamp(g.stamp);
        rep.goals_canceling().push_back(info);
      }
      uint8_t code = ERROR_NONE;
      if (!zero_id && find(cid) == nullptr && selected == 0) code = ERROR_UNKNOWN_GOAL_ID;
      else if (selected > 0 && rep.goals_canceling().empty()) code = ERROR_GOAL_TERMINATED;
      rep.return_code(code);
      emit("{\"event\":\"cancel\",\"vendor\":\"fastdds\",\"goal_id\":\"%s\",\"return_code\":%d,\"canceling\":%zu}",
           uuid_hex(cid).c_str(), code, rep.goals_canceling().size());
      cancel_server.reply(rep, from);
    }
    fib::Fibonacci_GetResult_Request_ rreq;
    while (result_server.take(rreq, from)) {
      idle = false;
      Goal *g = find(rreq.goal_id().uuid());
      emit("{\"event\":\"result_request\",\"vendor\":\"fastdds\",\"goal_id\":\"%s\",\"known\":%s}",
           uuid_hex(rreq.goal_id().uuid()).c_str(), g ? "true" : "false");
      if (g == nullptr) {
        fib::Fibonacci_GetResult_Response_ r;
        r.status(UNKNOWN);
        result_server.reply(r, from);
      } else if (is_terminal(g->status)) {
        send_result(*g, from);
      } else {
        g->waiting.push_back(from);
      }
    }
    for (auto &g : goals) {
      if (is_terminal(g.status) || Clock::now() < g.next_step) continue;
      g.next_step += std::chrono::milliseconds(o.interval_ms);
      idle = false;
      uint8_t end = UNKNOWN;
      if (g.status == CANCELING) {
        end = CANCELED;
      } else if (static_cast<long>(g.sequence.size()) >= static_cast<long>(g.order) + 1 || g.order <= 1) {
        end = SUCCEEDED;
      } else {
        size_t n = g.sequence.size();
        g.sequence.push_back(g.sequence[n - 1] + g.sequence[n - 2]);
        fib::Fibonacci_FeedbackMessage_ fb;
        fb.goal_id().uuid(g.id);
        fb.feedback().sequence_(g.sequence);
        if (!feedback->write(&fb)) fail("writing feedback failed");
        emit("{\"event\":\"feedback\",\"vendor\":\"fastdds\",\"goal_id\":\"%s\",\"index\":%zu,\"readers\":%d}",
             uuid_hex(g.id).c_str(), g.sequence.size() - 2, writer_matches(feedback));
      }
      if (end != UNKNOWN) {
        transition(g, end);
        for (const auto &to : g.waiting) send_result(g, to);
        g.waiting.clear();
        finished++;
      }
    }
    if (idle) sleep_ms(2);
  }
  // Let the last replies and statuses be acknowledged before the writers go.
  result_server.writer->wait_for_acknowledgments(eprosima::fastrtps::Duration_t(1, 0));
  status->wait_for_acknowledgments(eprosima::fastrtps::Duration_t(1, 0));
  emit("{\"event\":\"done\",\"vendor\":\"fastdds\",\"goals\":%zu,\"finished\":%ld}", goals.size(), finished);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// status-watch: a status subscription alone (rcl_action's QoS), printing each GoalStatusArray.

static int run_status_watch(const Options &o, Node &node, Graph &graph) {
  TypeSupport status_type(new am::GoalStatusArray_PubSubType());
  DataReader *status = node.reader(node.topic("rt/" + action_part(o, "status"), status_type),
                                   reader_qos(STATUS_HASH, true, false, 1));
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node);
  long want = o.count > 0 ? o.count : 1, got = 0;
  bool matched = false;
  auto start = Clock::now();
  while (got < want) {
    if (stop_requested || timed_out(o, start)) {
      emit("{\"event\":\"timeout\",\"vendor\":\"fastdds\",\"received\":%ld}", got);
      return 1;
    }
    if (!matched && reader_matches(status) > 0) {
      matched = true;
      emit("{\"event\":\"matched\",\"vendor\":\"fastdds\"}");
    }
    am::GoalStatusArray_ msg;
    SampleInfo info;
    bool idle = true;
    while (got < want && status->take_next_sample(&msg, &info) == ReturnCode_t::RETCODE_OK) {
      if (!info.valid_data) continue;
      idle = false;
      got++;
      emit("{\"event\":\"status\",\"vendor\":\"fastdds\",\"list\":%s}", json_status_list(msg).c_str());
    }
    if (idle) sleep_ms(5);
  }
  emit("{\"event\":\"done\",\"vendor\":\"fastdds\",\"count\":%ld}", got);
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
  Graph graph;
  graph.create(node);
  for (auto t = Clock::now(); !stop_requested && ms_since(t) < o.startup_ms;) sleep_ms(10);

  int code;
  if (o.command == "action-client") code = run_client(o, node, graph);
  else if (o.command == "action-server") code = run_server(o, node, graph);
  else code = run_status_watch(o, node, graph);
  for (auto t = Clock::now(); !stop_requested && ms_since(t) < o.linger_ms;) sleep_ms(20);

  node.participant->delete_contained_entities();
  DomainParticipantFactory::get_instance()->delete_participant(node.participant);
  return code;
}
