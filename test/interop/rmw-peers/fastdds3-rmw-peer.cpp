// A ROS 2 Kilted / Lyrical node as rmw_fastrtps_cpp on Fast DDS 3.x puts it on the wire, on the
// Fast DDS 3 DDS API with dynamic types (Fast-DDS-Gen 4 is not at hand; its generated code and
// rmw_fastrtps's own TypeSupport register the same kind of type objects). Built by
// test/interop/rmw-peers/fastdds3-peer.ts against FASTDDS3_PREFIX; same command line and output as
// fastdds-rmw-peer.cpp (the Fast DDS 2.9.1 peer), with "vendor":"fastdds3" and no --humble (no
// Humble ever shipped Fast DDS 3):
//
//   peer trigger-server SERVICE | trigger-client SERVICE | twist-pub TOPIC | twist-sub TOPIC | graph
//        [--count N] [--node NAME] [--namespace NS] [--domain ID] [--timeout MS] [--interval MS]
//        [--message TEXT] [--topic TOPIC] [--linger MS] [--startup MS] [--pause MS] [--ack-wait MS]
//        [--builtin-transports]
//
// What rmw_fastrtps (kilted / lyrical branches, rmw_fastrtps_shared_cpp) does and this peer does too:
// - TypeSupport::register_type_object_representation (TypeSupport_impl.cpp) registers a FINAL
//   struct per ROS type, members numbered from 0 in order: Fast DDS 3 then announces
//   PID_TYPE_INFORMATION (0x0075) in every SEDP sample of the endpoint. Dynamic types of the same
//   shape register the same kind of type object here.
// - qos.cpp get_datawriter_qos / get_datareader_qos: representation XCDR1 only ("the type support
//   in the RMW implementation is always XCDR1"), so SEDP carries DATA_REPRESENTATION [XCDR] and
//   samples the encapsulation CDR_LE (00 01).
// - QoS otherwise as the 2.9.1 peer: RELIABLE, VOLATILE, KEEP_LAST 10; ros_discovery_info writer
//   TRANSIENT_LOCAL KEEP_LAST 1, reader TRANSIENT_LOCAL KEEP_ALL; participant USER_DATA
//   `enclave=/;\0`, name "/"; endpoint USER_DATA `typehash=RIHS01_...;`.
// - Services (rmw_request.cpp / rmw_response.cpp): the client writes with WriteParams
//   related_sample_identity = (its reply reader's GUID, SN unknown); the server answers with
//   (that GUID, or the request writer's if none; the request's SN), after waiting up to 100 ms
//   for its reply writer to match that reader. Fast DDS 3 sends it under both 0x0083 and 0x800f
//   (DataMsg.hpp) and ignores 0x800f from vendors other than eProsima and RTI (ParameterList.cpp).
//
// Transport: UDPv4 only (no SHM), data sharing off, so all traffic is on the wire; with
// --builtin-transports, Fast DDS's defaults instead (SHM and UDPv4, both announced in SPDP), as
// rmw_fastrtps leaves them unless told otherwise.
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
#include <fastdds/dds/xtypes/dynamic_types/DynamicData.hpp>
#include <fastdds/dds/xtypes/dynamic_types/DynamicDataFactory.hpp>
#include <fastdds/dds/xtypes/dynamic_types/DynamicPubSubType.hpp>
#include <fastdds/dds/xtypes/dynamic_types/DynamicType.hpp>
#include <fastdds/dds/xtypes/dynamic_types/DynamicTypeBuilder.hpp>
#include <fastdds/dds/xtypes/dynamic_types/DynamicTypeBuilderFactory.hpp>
#include <fastdds/dds/xtypes/dynamic_types/MemberDescriptor.hpp>
#include <fastdds/dds/xtypes/dynamic_types/TypeDescriptor.hpp>
#include <fastdds/rtps/common/InstanceHandle.hpp>
#include <fastdds/rtps/common/WriteParams.hpp>
#include <fastdds/rtps/transport/UDPv4TransportDescriptor.hpp>

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
#include <utility>
#include <vector>

using namespace eprosima::fastdds::dds;
using eprosima::fastdds::rtps::GUID_t;
using eprosima::fastdds::rtps::SampleIdentity;
using eprosima::fastdds::rtps::SequenceNumber_t;
using eprosima::fastdds::rtps::WriteParams;
using Clock = std::chrono::steady_clock;
using Data = DynamicData::_ref_type;
using Type = DynamicType::_ref_type;

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
  std::string message = "from fastdds3";
  std::string topic;  // graph: also publish Twist on this topic
  long linger_ms = 0;
  long startup_ms = 0;
  long pause_ms = 200;
  long ack_wait_ms = 5000;
  bool builtin_transports = false;
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
  emit("{\"event\":\"error\",\"vendor\":\"fastdds3\",\"message\":\"%s\"}", message.c_str());
  std::fprintf(stderr, "fastdds3-rmw-peer: %s\n", message.c_str());
  std::exit(2);
}

static void on_signal(int) { stop_requested = true; }
static void sleep_ms(long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
static long ms_since(Clock::time_point t) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}
static Duration_t millis(long ms) {
  return Duration_t(static_cast<int32_t>(ms / 1000), static_cast<uint32_t>(ms % 1000) * 1000000u);
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
    else if (a == "--builtin-transports") o.builtin_transports = true;
    else if (a == "--humble") fail("--humble: no Humble ships Fast DDS 3");
    else fail("unknown option " + a);
  }
  if (o.node.empty()) {
    o.node = "fastdds3_" + o.command;
    for (char &c : o.node)
      if (c == '-') c = '_';
  }
  return o;
}

static bool timed_out(const Options &o, Clock::time_point start) {
  return o.timeout_ms > 0 && ms_since(start) >= o.timeout_ms;
}

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

static std::vector<uint8_t> guid_bytes(const GUID_t &g) {
  std::vector<uint8_t> b(16);
  std::memcpy(b.data(), g.guidPrefix.value, 12);
  std::memcpy(b.data() + 12, g.entityId.value, 4);
  return b;
}

static std::string gid_hex(const GUID_t &g) { return hex(guid_bytes(g).data(), 16); }

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

static void check(ReturnCode_t rc, const std::string &what) {
  if (rc != RETCODE_OK) fail(what + " failed (return code " + std::to_string(rc) + ")");
}

// ---- Types: the rosidl shapes of ros_msgs.idl / trigger_fastdds.idl, FINAL, members from id 0.

static DynamicTypeBuilderFactory::_ref_type factory() { return DynamicTypeBuilderFactory::get_instance(); }

struct StructOf {
  DynamicTypeBuilder::_ref_type builder;
  explicit StructOf(const std::string &name) {
    TypeDescriptor::_ref_type td{traits<TypeDescriptor>::make_shared()};
    td->kind(TK_STRUCTURE);
    td->name(name);
    td->extensibility_kind(ExtensibilityKind::FINAL);
    builder = factory()->create_type(td);
    if (!builder) fail("create_type failed for " + name);
  }
  StructOf &member(const std::string &name, Type type) {
    MemberDescriptor::_ref_type md{traits<MemberDescriptor>::make_shared()};
    md->name(name);
    md->type(type);
    check(builder->add_member(md), "add_member " + name);
    return *this;
  }
  Type build() {
    Type t = builder->build();
    if (!t) fail("building a type failed");
    return t;
  }
};

static Type primitive(TypeKind k) { return factory()->get_primitive_type(k); }
static Type unbounded_string() { return factory()->create_string_type(static_cast<uint32_t>(LENGTH_UNLIMITED))->build(); }
static Type sequence_of(Type t) { return factory()->create_sequence_type(t, static_cast<uint32_t>(LENGTH_UNLIMITED))->build(); }

struct Types {
  Type vector3, twist, request, response, gid, node_info, graph;
  Types() {
    Type f64 = primitive(TK_FLOAT64);
    vector3 = StructOf("geometry_msgs::msg::dds_::Vector3_").member("x", f64).member("y", f64).member("z", f64).build();
    twist = StructOf("geometry_msgs::msg::dds_::Twist_").member("linear", vector3).member("angular", vector3).build();
    request = StructOf("std_srvs::srv::dds_::Trigger_Request_")
                  .member("structure_needs_at_least_one_member", primitive(TK_UINT8))
                  .build();
    response = StructOf("std_srvs::srv::dds_::Trigger_Response_")
                   .member("success", primitive(TK_BOOLEAN))
                   .member("message", unbounded_string())
                   .build();
    gid = StructOf("rmw_dds_common::msg::dds_::Gid_")
              .member("data", factory()->create_array_type(primitive(TK_UINT8), {16})->build())
              .build();
    Type name256 = factory()->create_string_type(256)->build();
    node_info = StructOf("rmw_dds_common::msg::dds_::NodeEntitiesInfo_")
                    .member("node_namespace", name256)
                    .member("node_name", name256)
                    .member("reader_gid_seq", sequence_of(gid))
                    .member("writer_gid_seq", sequence_of(gid))
                    .build();
    graph = StructOf("rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_")
                .member("gid", gid)
                .member("node_entities_info_seq", sequence_of(node_info))
                .build();
  }
};

static Data make(const Type &t) {
  Data d = DynamicDataFactory::get_instance()->create_data(t);
  if (!d) fail("create_data failed");
  return d;
}

static MemberId id_of(const Data &d, const char *name) {
  MemberId id = d->get_member_id_by_name(name);
  if (id == MEMBER_ID_INVALID) fail(std::string("no member ") + name);
  return id;
}

// Runs f on the loaned member (struct member by name, or sequence element by index).
template <typename F>
static void with_member(Data &d, MemberId id, F f) {
  Data m = d->loan_value(id);
  if (!m) fail("loan_value failed");
  f(m);
  check(d->return_loaned_value(m), "return_loaned_value");
}

static void set_gid(Data &gid, const std::vector<uint8_t> &bytes16) {
  check(gid->set_uint8_values(id_of(gid, "data"), std::vector<uint8_t>(bytes16.begin(), bytes16.end())), "set gid");
}

static std::vector<uint8_t> get_gid(Data &gid) {
  std::vector<uint8_t> v;
  check(gid->get_uint8_values(v, id_of(gid, "data")), "get gid");
  return v;
}

// ---- QoS (rmw_fastrtps_shared_cpp qos.cpp) ----

static void set_typehash(GenericDataQosPolicy &user_data, const char *hash) {
  std::string text = std::string("typehash=") + hash + ";";
  user_data.setValue(std::vector<eprosima::fastdds::rtps::octet>(text.begin(), text.end()));
}

static DataWriterQos writer_qos(const char *hash, bool transient_local = false, int32_t depth = 10) {
  DataWriterQos qos = DATAWRITER_QOS_DEFAULT;
  qos.reliability().kind = RELIABLE_RELIABILITY_QOS;
  qos.durability().kind = transient_local ? TRANSIENT_LOCAL_DURABILITY_QOS : VOLATILE_DURABILITY_QOS;
  qos.history().kind = KEEP_LAST_HISTORY_QOS;
  qos.history().depth = depth;
  qos.endpoint().history_memory_policy = eprosima::fastdds::rtps::PREALLOCATED_WITH_REALLOC_MEMORY_MODE;
  qos.data_sharing().off();
  qos.representation().clear();
  qos.representation().m_value.push_back(XCDR_DATA_REPRESENTATION);
  set_typehash(qos.user_data(), hash);
  return qos;
}

static DataReaderQos reader_qos(const char *hash, bool transient_local = false, bool keep_all = false) {
  DataReaderQos qos = DATAREADER_QOS_DEFAULT;
  qos.reliability().kind = RELIABLE_RELIABILITY_QOS;
  qos.durability().kind = transient_local ? TRANSIENT_LOCAL_DURABILITY_QOS : VOLATILE_DURABILITY_QOS;
  qos.history().kind = keep_all ? KEEP_ALL_HISTORY_QOS : KEEP_LAST_HISTORY_QOS;
  qos.history().depth = keep_all ? 1 : 10;
  qos.endpoint().history_memory_policy = eprosima::fastdds::rtps::PREALLOCATED_WITH_REALLOC_MEMORY_MODE;
  qos.data_sharing().off();
  qos.representation().clear();
  qos.representation().m_value.push_back(XCDR_DATA_REPRESENTATION);
  set_typehash(qos.user_data(), hash);
  return qos;
}

struct Node {
  DomainParticipant *participant = nullptr;
  Publisher *publisher = nullptr;
  Subscriber *subscriber = nullptr;
  std::vector<std::string> readers, writers;  // gids of the node's endpoints

  Topic *topic(const std::string &name, const Type &type) {
    TypeSupport ts(new DynamicPubSubType(type));
    if (participant->find_type(ts.get_type_name()).empty()) check(ts.register_type(participant), "register_type");
    Topic *t = participant->create_topic(name, ts.get_type_name(), TOPIC_QOS_DEFAULT);
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

// ---- ros_discovery_info (rmw_dds_common, Iron and later: 16-byte gids) ----

struct GraphListener : DataReaderListener {
  const Types *types = nullptr;
  GUID_t own;

  static std::vector<std::string> gid_list(Data &node, const char *member) {
    std::vector<std::string> out;
    with_member(node, id_of(node, member), [&](Data &seq) {
      for (uint32_t i = 0; i < seq->get_item_count(); i++)
        with_member(seq, seq->get_member_id_at_index(i), [&](Data &g) {
          auto b = get_gid(g);
          out.push_back(hex(b.data(), b.size()));
        });
    });
    return out;
  }

  void on_data_available(DataReader *reader) override {
    Data msg = make(types->graph);
    SampleInfo info;
    while (reader->take_next_sample(&msg, &info) == RETCODE_OK) {
      if (!info.valid_data) continue;
      std::vector<uint8_t> gid;
      with_member(msg, id_of(msg, "gid"), [&](Data &g) { gid = get_gid(g); });
      // ignore_local_publications, as rmw asks for this reader.
      if (gid.size() != 16 || std::memcmp(gid.data(), own.guidPrefix.value, 12) == 0) continue;
      std::string nodes = "[";
      with_member(msg, id_of(msg, "node_entities_info_seq"), [&](Data &seq) {
        for (uint32_t i = 0; i < seq->get_item_count(); i++) {
          with_member(seq, seq->get_member_id_at_index(i), [&](Data &n) {
            std::string name, ns;
            check(n->get_string_value(name, id_of(n, "node_name")), "node_name");
            check(n->get_string_value(ns, id_of(n, "node_namespace")), "node_namespace");
            auto r = gid_list(n, "reader_gid_seq"), w = gid_list(n, "writer_gid_seq");
            char counts[64];
            std::snprintf(counts, sizeof counts, ",\"readers\":%zu,\"writers\":%zu", r.size(), w.size());
            nodes += std::string(i ? "," : "") + "{\"name\":" + json_string(name) +
                     ",\"namespace\":" + json_string(ns) + ",\"gid\":\"" + hex(gid.data(), 16) + "\"" + counts +
                     ",\"reader_gids\":" + json_gids(r) + ",\"writer_gids\":" + json_gids(w) + "}";
          });
        }
      });
      nodes += "]";
      emit("{\"event\":\"graph\",\"vendor\":\"fastdds3\",\"gid\":\"%s\",\"gid_size\":16,"
           "\"gid_tails_zero\":true,\"nodes\":%s}",
           hex(gid.data(), 16).c_str(), nodes.c_str());
    }
  }
};

struct Graph {
  const Types &types;
  GraphListener listener;
  DataWriter *writer = nullptr;
  DataReader *reader = nullptr;
  explicit Graph(const Types &t) : types(t) { listener.types = &t; }

  void create(Node &node) {
    listener.own = node.participant->guid();
    Topic *t = node.topic("ros_discovery_info", types.graph);
    // The context's endpoints belong to no node: not listed.
    writer = node.writer(t, writer_qos(GRAPH_HASH, true, 1), nullptr, false);
    reader = node.reader(t, reader_qos(GRAPH_HASH, true, true), &listener, false);
  }

  // One complete snapshot of this participant's one node, as rmw_dds_common publishes it.
  void publish(const Node &node, const std::string &name, const std::string &ns) {
    Data msg = make(types.graph);
    with_member(msg, id_of(msg, "gid"), [&](Data &g) { set_gid(g, guid_bytes(node.participant->guid())); });
    with_member(msg, id_of(msg, "node_entities_info_seq"), [&](Data &seq) {
      with_member(seq, 0, [&](Data &n) {
        check(n->set_string_value(id_of(n, "node_namespace"), ns), "node_namespace");
        check(n->set_string_value(id_of(n, "node_name"), name), "node_name");
        auto fill = [&](const char *member, const std::vector<std::string> &gids) {
          with_member(n, id_of(n, member), [&](Data &list) {
            for (uint32_t i = 0; i < gids.size(); i++)
              with_member(list, i, [&](Data &g) {
                std::vector<uint8_t> b(16);
                for (size_t k = 0; k < 16; k++)
                  b[k] = static_cast<uint8_t>(std::stoul(gids[i].substr(2 * k, 2), nullptr, 16));
                set_gid(g, b);
              });
          });
        };
        fill("reader_gid_seq", node.readers);
        fill("writer_gid_seq", node.writers);
      });
    });
    check(writer->write(&msg), "writing ros_discovery_info");
  }
};

// Reader GUIDs the reply writer has matched (rmw_fastrtps's ServicePubListener).
struct ReplyWriterListener : DataWriterListener {
  std::mutex mutex;
  std::set<GUID_t> readers;
  void on_publication_matched(DataWriter *, const PublicationMatchedStatus &s) override {
    GUID_t g = eprosima::fastdds::rtps::iHandle2GUID(s.last_subscription_handle);
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

struct MatchWatch {
  bool matched = false;
  bool update(bool now) {
    if (now != matched) emit("{\"event\":\"%s\",\"vendor\":\"fastdds3\"}", now ? "matched" : "unmatched");
    matched = now;
    return now;
  }
};

static void emit_ready(const Options &o, const Node &node, const std::string &extra) {
  emit("{\"event\":\"ready\",\"vendor\":\"fastdds3\",\"role\":\"%s\",\"node\":%s,\"namespace\":%s,"
       "\"participant\":\"%s\",\"reader_gids\":%s,\"writer_gids\":%s%s}",
       o.command.c_str(), json_string(o.node).c_str(), json_string(o.ns).c_str(),
       gid_hex(node.participant->guid()).c_str(), json_gids(node.readers).c_str(), json_gids(node.writers).c_str(),
       extra.c_str());
}

static int run_trigger_server(const Options &o, Node &node, Graph &graph, const Types &types) {
  std::string svc = ros_name(o.name);
  DataReader *reader = node.reader(node.topic("rq/" + svc + "Request", types.request), reader_qos(REQUEST_HASH));
  ReplyWriterListener listener;
  DataWriter *writer =
      node.writer(node.topic("rr/" + svc + "Reply", types.response), writer_qos(RESPONSE_HASH), &listener);
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node, ",\"request_reader\":\"" + gid_hex(reader->guid()) + "\",\"reply_writer\":\"" +
                          gid_hex(writer->guid()) + "\"");

  MatchWatch watch;
  long replied = 0;
  auto start = Clock::now();
  Data request = make(types.request);
  while (!stop_requested && !timed_out(o, start) && (o.count == 0 || replied < o.count)) {
    watch.update(reader_matches(reader) > 0 && writer_matches(writer) > 0);
    if (!reader->wait_for_unread_message(millis(50))) continue;
    SampleInfo info;
    while (reader->take_next_sample(&request, &info) == RETCODE_OK) {
      if (!info.valid_data) continue;
      GUID_t to = info.sample_identity.writer_guid();
      bool related = info.related_sample_identity.writer_guid() != GUID_t::unknown();
      if (related) to = info.related_sample_identity.writer_guid();
      int64_t seq = sn_value(info.sample_identity.sequence_number());
      emit("{\"event\":\"request\",\"vendor\":\"fastdds3\",\"seq\":%lld,\"writer\":\"%s\",\"related\":%s}",
           static_cast<long long>(seq), gid_hex(info.sample_identity.writer_guid()).c_str(),
           related ? ("\"" + gid_hex(to) + "\"").c_str() : "null");
      if ((to.entityId.value[3] & 0x04) != 0) {
        auto wait_start = Clock::now();
        while (!listener.has(to) && ms_since(wait_start) < 100) sleep_ms(5);
        if (!listener.has(to)) {
          emit("{\"event\":\"dropped\",\"vendor\":\"fastdds3\",\"seq\":%lld,\"to\":\"%s\"}",
               static_cast<long long>(seq), gid_hex(to).c_str());
          continue;
        }
      }
      Data response = make(types.response);
      check(response->set_boolean_value(id_of(response, "success"), true), "success");
      check(response->set_string_value(id_of(response, "message"), o.message), "message");
      WriteParams params;
      params.related_sample_identity().writer_guid(to);
      params.related_sample_identity().sequence_number(info.sample_identity.sequence_number());
      check(writer->write(&response, params), "writing the reply");
      replied++;
      emit("{\"event\":\"replied\",\"vendor\":\"fastdds3\",\"seq\":%lld,\"to\":\"%s\"}", static_cast<long long>(seq),
           gid_hex(to).c_str());
    }
  }
  writer->wait_for_acknowledgments(Duration_t(1, 0));
  emit("{\"event\":\"done\",\"vendor\":\"fastdds3\",\"count\":%ld}", replied);
  return 0;
}

static int run_trigger_client(const Options &o, Node &node, Graph &graph, const Types &types) {
  std::string svc = ros_name(o.name);
  // rmw_create_client makes the reply reader first.
  DataReader *reader = node.reader(node.topic("rr/" + svc + "Reply", types.response), reader_qos(RESPONSE_HASH));
  DataWriter *writer = node.writer(node.topic("rq/" + svc + "Request", types.request), writer_qos(REQUEST_HASH));
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
  Data response = make(types.response);
  for (long i = 0; i < count; i++) {
    Data request = make(types.request);
    WriteParams params;
    params.related_sample_identity().writer_guid(reader_guid);
    check(writer->write(&request, params), "writing the request");
    int64_t seq = sn_value(params.sample_identity().sequence_number());
    emit("{\"event\":\"request\",\"vendor\":\"fastdds3\",\"seq\":%lld}", static_cast<long long>(seq));
    bool answered = false;
    while (!answered) {
      if (stop_requested || timed_out(o, start)) {
        emit("{\"event\":\"timeout\",\"vendor\":\"fastdds3\",\"seq\":%lld,\"responses\":%ld}",
             static_cast<long long>(seq), i);
        return 1;
      }
      if (!reader->wait_for_unread_message(millis(50))) continue;
      SampleInfo info;
      while (reader->take_next_sample(&response, &info) == RETCODE_OK) {
        if (!info.valid_data) continue;
        const GUID_t &related = info.related_sample_identity.writer_guid();
        if (related != reader_guid && related != writer_guid) continue;
        int64_t rseq = sn_value(info.related_sample_identity.sequence_number());
        if (rseq != seq) {
          emit("{\"event\":\"stale-response\",\"vendor\":\"fastdds3\",\"seq\":%lld}", static_cast<long long>(rseq));
          continue;
        }
        answered = true;
        bool success = false;
        std::string message;
        check(response->get_boolean_value(success, id_of(response, "success")), "success");
        check(response->get_string_value(message, id_of(response, "message")), "message");
        emit("{\"event\":\"response\",\"vendor\":\"fastdds3\",\"seq\":%lld,\"success\":%s,\"message\":%s}",
             static_cast<long long>(rseq), success ? "true" : "false", json_string(message).c_str());
      }
    }
  }
  emit("{\"event\":\"done\",\"vendor\":\"fastdds3\",\"count\":%ld}", count);
  return 0;
}

static void set_vector(Data &twist, const char *member, double x, double y, double z) {
  with_member(twist, id_of(twist, member), [&](Data &v) {
    check(v->set_float64_value(id_of(v, "x"), x), "x");
    check(v->set_float64_value(id_of(v, "y"), y), "y");
    check(v->set_float64_value(id_of(v, "z"), z), "z");
  });
}

static void get_vector(Data &twist, const char *member, double out[3]) {
  with_member(twist, id_of(twist, member), [&](Data &v) {
    check(v->get_float64_value(out[0], id_of(v, "x")), "x");
    check(v->get_float64_value(out[1], id_of(v, "y")), "y");
    check(v->get_float64_value(out[2], id_of(v, "z")), "z");
  });
}

static int run_twist_pub(const Options &o, Node &node, Graph &graph, const Types &types) {
  DataWriter *writer = node.writer(node.topic("rt/" + ros_name(o.name), types.twist), writer_qos(TWIST_HASH));
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node, ",\"writer\":\"" + gid_hex(writer->guid()) + "\"");
  auto start = Clock::now();
  MatchWatch watch;
  while (!watch.update(writer_matches(writer) > 0)) {
    if (stop_requested || timed_out(o, start)) fail("no subscription matched");
    sleep_ms(10);
  }
  sleep_ms(o.pause_ms);
  long k = 0;
  for (; (o.count == 0 || k < o.count) && !stop_requested && !timed_out(o, start); k++) {
    Data twist = make(types.twist);
    set_vector(twist, "linear", 0.5, 0.0, 0.0);
    set_vector(twist, "angular", 0.0, 0.0, static_cast<double>(k + 1));
    check(writer->write(&twist), "writing a Twist");
    watch.update(writer_matches(writer) > 0);
    if (o.interval_ms > 0 && (o.count == 0 || k + 1 < o.count)) sleep_ms(o.interval_ms);
  }
  const char *acked = "null";
  if (o.ack_wait_ms > 0)
    acked = writer->wait_for_acknowledgments(millis(o.ack_wait_ms)) == RETCODE_OK ? "true" : "false";
  emit("{\"event\":\"published\",\"vendor\":\"fastdds3\",\"count\":%ld,\"acked\":%s}", k, acked);
  return o.count == 0 || k == o.count ? 0 : 1;
}

static int run_twist_sub(const Options &o, Node &node, Graph &graph, const Types &types) {
  DataReader *reader = node.reader(node.topic("rt/" + ros_name(o.name), types.twist), reader_qos(TWIST_HASH));
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node, ",\"reader\":\"" + gid_hex(reader->guid()) + "\"");
  auto start = Clock::now();
  MatchWatch watch;
  long received = 0;
  Data t = make(types.twist);
  while (!stop_requested && (o.count == 0 || received < o.count)) {
    if (timed_out(o, start)) {
      emit("{\"event\":\"timeout\",\"vendor\":\"fastdds3\",\"received\":%ld}", received);
      return o.count == 0 ? 0 : 1;
    }
    watch.update(reader_matches(reader) > 0);
    if (!reader->wait_for_unread_message(millis(50))) continue;
    SampleInfo info;
    while (reader->take_next_sample(&t, &info) == RETCODE_OK) {
      if (!info.valid_data) continue;
      received++;
      double lin[3], ang[3];
      get_vector(t, "linear", lin);
      get_vector(t, "angular", ang);
      emit("{\"event\":\"twist\",\"vendor\":\"fastdds3\",\"linear_x\":%.17g,\"linear_y\":%.17g,\"linear_z\":%.17g,"
           "\"angular_x\":%.17g,\"angular_y\":%.17g,\"angular_z\":%.17g,\"writer\":\"%s\"}",
           lin[0], lin[1], lin[2], ang[0], ang[1], ang[2], gid_hex(info.sample_identity.writer_guid()).c_str());
    }
  }
  sleep_ms(200);
  emit("{\"event\":\"done\",\"vendor\":\"fastdds3\",\"count\":%ld}", received);
  return 0;
}

static int run_graph(const Options &o, Node &node, Graph &graph, const Types &types) {
  if (!o.topic.empty()) node.writer(node.topic("rt/" + ros_name(o.topic), types.twist), writer_qos(TWIST_HASH));
  graph.publish(node, o.node, o.ns);
  emit_ready(o, node, "");
  auto start = Clock::now();
  while (!stop_requested && !timed_out(o, start)) sleep_ms(20);
  emit("{\"event\":\"done\",\"vendor\":\"fastdds3\"}");
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
  pqos.user_data().setValue(std::vector<eprosima::fastdds::rtps::octet>(enclave, enclave + sizeof enclave));
  if (!o.builtin_transports) {
    pqos.transport().use_builtin_transports = false;
    pqos.transport().user_transports.push_back(std::make_shared<eprosima::fastdds::rtps::UDPv4TransportDescriptor>());
  }

  Types types;
  Node node;
  node.participant = DomainParticipantFactory::get_instance()->create_participant(o.domain, pqos);
  if (node.participant == nullptr) fail("create_participant failed");
  node.publisher = node.participant->create_publisher(PUBLISHER_QOS_DEFAULT);
  node.subscriber = node.participant->create_subscriber(SUBSCRIBER_QOS_DEFAULT);
  if (node.publisher == nullptr || node.subscriber == nullptr) fail("create_publisher/subscriber failed");
  Graph graph(types);
  graph.create(node);
  for (auto t = Clock::now(); !stop_requested && ms_since(t) < o.startup_ms;) sleep_ms(10);

  int code;
  if (o.command == "trigger-server") code = run_trigger_server(o, node, graph, types);
  else if (o.command == "trigger-client") code = run_trigger_client(o, node, graph, types);
  else if (o.command == "twist-pub") code = run_twist_pub(o, node, graph, types);
  else if (o.command == "twist-sub") code = run_twist_sub(o, node, graph, types);
  else code = run_graph(o, node, graph, types);
  for (auto t = Clock::now(); !stop_requested && ms_since(t) < o.linger_ms;) sleep_ms(20);

  node.participant->delete_contained_entities();
  DomainParticipantFactory::get_instance()->delete_participant(node.participant);
  return code;
}
