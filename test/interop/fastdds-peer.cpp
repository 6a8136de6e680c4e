// Interop peer on the Fast DDS 2.9 DDS API (eprosima::fastdds::dds). Built by test/interop/peers.ts
// with the type support fastddsgen generates from peer.idl. Same command line and output as
// cyclone-peer.c:
//
//   peer pub|sub --topic NAME --count N --size BYTES [--reliable|--best-effort] [--transient-local]
//        [--depth D | --keep-all] [--domain ID] [--wait-for-match MS] [--timeout MS]
//        [--interval-us US] [--await-go] [--await-writer] [--linger MS] [--idle MS]
//        [--deadline MS] [--manual-liveliness MS] [--assert-for MS]
//
// --deadline: the DEADLINE period offered (pub) or requested (sub). --manual-liveliness: MANUAL_BY_TOPIC
// liveliness with that lease (a sub then emits a "liveliness" line at each change of its
// LivelinessChangedStatus). --assert-for: after the acknowledgements, assert the writer's
// liveliness (assert_liveliness) every 50 ms for that long, then emit "asserted" and linger.
//
// Transport: UDPv4 only. The builtin transports (UDPv4 + SHM in the Debian build) are switched off
// and one UDPv4 transport with 2 MB socket buffers is added, so all traffic is on the wire even
// between two Fast DDS peers. (FASTDDS_BUILTIN_TRANSPORTS does not exist in 2.9.1.)
#include "peer.h"
#include "peerPubSubTypes.h"

#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/domain/DomainParticipantListener.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/publisher/DataWriterListener.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/DataReaderListener.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/topic/Topic.hpp>
#include <fastdds/dds/topic/TypeSupport.hpp>
#include <fastdds/rtps/transport/UDPv4TransportDescriptor.h>

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace eprosima::fastdds::dds;
using Clock = std::chrono::steady_clock;

static const uint32_t SOCKET_BUFFER = 2 * 1024 * 1024;

struct Options {
  bool pub = false;
  std::string topic;
  uint64_t count = 0;
  uint32_t size = 0;
  bool reliable = true;
  bool transient_local = false;
  int32_t depth = 0;  // 0: KEEP_ALL
  uint32_t domain = 0;
  long wait_for_match_ms = 10000;
  long timeout_ms = 30000;
  long interval_us = 0;
  bool await_go = false;
  bool await_writer = false;
  long linger_ms = 0;
  long idle_ms = 0;
  long deadline_ms = 0;  // 0: infinite
  long manual_liveliness_ms = 0;  // 0: AUTOMATIC, infinite
  long assert_for_ms = 0;
  std::string type_name;  // as registered, for the ready event
};

static std::mutex out_mutex;
static std::atomic<bool> stop_requested{false};

// One JSON object per line on stdout, flushed at once (listeners print from other threads).
static void emit(const char *fmt, ...) {
  std::lock_guard<std::mutex> lock(out_mutex);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stdout, fmt, ap);
  va_end(ap);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

[[noreturn]] static void fail(const char *message) {
  emit("{\"event\":\"error\",\"vendor\":\"fastdds\",\"message\":\"%s\"}", message);
  std::fprintf(stderr, "fastdds-peer: %s\n", message);
  std::exit(2);
}

static long parse_number(int argc, char **argv, int &i) {
  if (i + 1 >= argc) fail("option needs a value");
  char *end = nullptr;
  long v = std::strtol(argv[++i], &end, 10);
  if (*end != 0 || v < 0) fail("bad number");
  return v;
}

static Options parse(int argc, char **argv) {
  Options o;
  if (argc < 2) fail("usage: peer pub|sub --topic NAME --count N --size BYTES [options]");
  if (std::strcmp(argv[1], "pub") == 0) o.pub = true;
  else if (std::strcmp(argv[1], "sub") != 0) fail("first argument must be pub or sub");
  for (int i = 2; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--topic" && i + 1 < argc) o.topic = argv[++i];
    else if (a == "--count") o.count = static_cast<uint64_t>(parse_number(argc, argv, i));
    else if (a == "--size") o.size = static_cast<uint32_t>(parse_number(argc, argv, i));
    else if (a == "--reliable") o.reliable = true;
    else if (a == "--best-effort") o.reliable = false;
    else if (a == "--transient-local") o.transient_local = true;
    else if (a == "--depth") o.depth = static_cast<int32_t>(parse_number(argc, argv, i));
    else if (a == "--keep-all") o.depth = 0;
    else if (a == "--domain") o.domain = static_cast<uint32_t>(parse_number(argc, argv, i));
    else if (a == "--wait-for-match") o.wait_for_match_ms = parse_number(argc, argv, i);
    else if (a == "--timeout") o.timeout_ms = parse_number(argc, argv, i);
    else if (a == "--interval-us") o.interval_us = parse_number(argc, argv, i);
    else if (a == "--await-go") o.await_go = true;
    else if (a == "--await-writer") o.await_writer = true;
    else if (a == "--linger") o.linger_ms = parse_number(argc, argv, i);
    else if (a == "--idle") o.idle_ms = parse_number(argc, argv, i);
    else if (a == "--deadline") o.deadline_ms = parse_number(argc, argv, i);
    else if (a == "--manual-liveliness") o.manual_liveliness_ms = parse_number(argc, argv, i);
    else if (a == "--assert-for") o.assert_for_ms = parse_number(argc, argv, i);
    else fail("unknown option");
  }
  if (o.topic.empty()) fail("--topic is required");
  return o;
}

static long ms_since(Clock::time_point t) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

static Duration_t duration_ms(long ms) {
  return Duration_t(static_cast<int32_t>(ms / 1000), static_cast<uint32_t>((ms % 1000) * 1000000));
}

static void set_history(const Options &o, HistoryQosPolicy &history, ResourceLimitsQosPolicy &limits) {
  if (o.depth > 0) {
    history.kind = KEEP_LAST_HISTORY_QOS;
    history.depth = o.depth;
    // Fast DDS rejects a depth above max_samples_per_instance (default 400).
    limits.max_samples_per_instance = std::max(limits.max_samples_per_instance, o.depth);
    limits.max_samples = std::max(limits.max_samples, o.depth);
  } else {
    history.kind = KEEP_ALL_HISTORY_QOS;
  }
}

// Counts matches; a waiter can block until the first one.
struct MatchState {
  std::mutex mutex;
  std::condition_variable cv;
  int current = 0;

  void update(int current_count, int change) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      current = current_count;
    }
    cv.notify_all();
    emit("{\"event\":\"%s\",\"vendor\":\"fastdds\",\"current\":%d}", change > 0 ? "matched" : "unmatched",
         current_count);
  }

  bool wait(long timeout_ms) {
    std::unique_lock<std::mutex> lock(mutex);
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (current == 0 && !stop_requested) {
      if (cv.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(100))) ==
              std::cv_status::timeout &&
          Clock::now() >= deadline)
        break;
    }
    return current > 0;
  }
};

struct WriterListener : DataWriterListener {
  MatchState match;
  void on_publication_matched(DataWriter *, const PublicationMatchedStatus &s) override {
    match.update(s.current_count, s.current_count_change);
  }
};

// What the subscriber has seen so far; samples are checked as they arrive.
struct Received {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<bool> seen;
  uint64_t received = 0, duplicates = 0, bad = 0, first = 0, last = 0;
  bool in_order = true;
  Clock::time_point t_first, t_last;
};

struct ReaderListener : DataReaderListener {
  const Options &o;
  MatchState match;
  Received r;
  explicit ReaderListener(const Options &opts) : o(opts) { r.seen.assign(opts.count + 1, false); }

  void on_subscription_matched(DataReader *, const SubscriptionMatchedStatus &s) override {
    match.update(s.current_count, s.current_count_change);
  }

  void on_liveliness_changed(DataReader *, const LivelinessChangedStatus &s) override {
    emit("{\"event\":\"liveliness\",\"vendor\":\"fastdds\",\"alive\":%d,\"notAlive\":%d}", s.alive_count,
         s.not_alive_count);
  }

  void on_data_available(DataReader *reader) override {
    interop::InteropSample sample;
    SampleInfo info;
    while (reader->take_next_sample(&sample, &info) == ReturnCode_t::RETCODE_OK) {
      if (!info.valid_data) continue;
      note(sample.seq(), sample.data());
    }
  }

  void note(uint64_t seq, const std::vector<uint8_t> &data) {
    std::lock_guard<std::mutex> lock(r.mutex);
    auto now = Clock::now();
    bool good = seq >= 1 && seq <= o.count && data.size() == o.size;
    for (size_t i = 0; good && i < data.size(); i++) good = data[i] == static_cast<uint8_t>(seq + i);
    if (!good) {
      r.bad++;
    } else if (r.seen[seq]) {
      r.duplicates++;
    } else {
      if (r.received == 0) {
        r.first = seq;
        r.t_first = now;
      } else if (seq < r.last) {
        r.in_order = false;
      }
      r.seen[seq] = true;
      r.received++;
      r.last = seq;
      r.t_last = now;
    }
    r.cv.notify_all();
  }
};

// Notes when a remote writer of the topic is discovered (for --await-writer).
struct ParticipantListener : DomainParticipantListener {
  std::string topic;
  std::mutex mutex;
  std::condition_variable cv;
  bool writer_found = false;

  void on_publisher_discovery(DomainParticipant *, eprosima::fastrtps::rtps::WriterDiscoveryInfo &&info) override {
    if (info.status != eprosima::fastrtps::rtps::WriterDiscoveryInfo::DISCOVERED_WRITER ||
        info.info.topicName().to_string() != topic)
      return;
    {
      std::lock_guard<std::mutex> lock(mutex);
      writer_found = true;
    }
    cv.notify_all();
  }

  bool wait_for_writer(long timeout_ms) {
    std::unique_lock<std::mutex> lock(mutex);
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!writer_found && !stop_requested && Clock::now() < deadline)
      cv.wait_for(lock, std::chrono::milliseconds(100));
    return writer_found;
  }
};

static void on_signal(int) { stop_requested = true; }

static void sleep_ms(long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Blocks until a line arrives on stdin (the harness says "go"), or timeout / signal.
static bool await_go(long timeout_ms) {
  auto start = Clock::now();
  while (!stop_requested && ms_since(start) < timeout_ms) {
    struct pollfd p = {0, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char line[64];
      return std::fgets(line, sizeof line, stdin) != nullptr;
    }
  }
  return false;
}

static int run_pub(const Options &o, DomainParticipant *participant, Topic *topic) {
  Publisher *publisher = participant->create_publisher(PUBLISHER_QOS_DEFAULT);
  if (publisher == nullptr) fail("create_publisher failed");
  DataWriterQos qos = DATAWRITER_QOS_DEFAULT;
  qos.reliability().kind = o.reliable ? RELIABLE_RELIABILITY_QOS : BEST_EFFORT_RELIABILITY_QOS;
  qos.reliability().max_blocking_time = duration_ms(1000);
  qos.durability().kind = o.transient_local ? TRANSIENT_LOCAL_DURABILITY_QOS : VOLATILE_DURABILITY_QOS;
  set_history(o, qos.history(), qos.resource_limits());
  // The default heartbeat period is 3 s: far too slow to repair losses in a test.
  qos.reliable_writer_qos().times.heartbeatPeriod = duration_ms(100);
  if (o.deadline_ms > 0) qos.deadline().period = duration_ms(o.deadline_ms);
  if (o.manual_liveliness_ms > 0) {
    qos.liveliness().kind = MANUAL_BY_TOPIC_LIVELINESS_QOS;
    qos.liveliness().lease_duration = duration_ms(o.manual_liveliness_ms);
    qos.liveliness().announcement_period = duration_ms(o.manual_liveliness_ms / 2);
  }
  WriterListener listener;
  DataWriter *writer = publisher->create_datawriter(topic, qos, &listener, StatusMask::publication_matched());
  if (writer == nullptr) fail("create_datawriter failed");
  emit("{\"event\":\"ready\",\"vendor\":\"fastdds\",\"role\":\"pub\",\"type\":\"%s\"}", o.type_name.c_str());

  // matched: whether a reader had matched when publishing began (without waiting if MS is 0).
  bool matched = listener.match.wait(o.wait_for_match_ms);
  if (!matched && o.wait_for_match_ms > 0) emit("{\"event\":\"match-timeout\",\"vendor\":\"fastdds\"}");
  if (o.await_go && !await_go(o.timeout_ms)) fail("no go line on stdin");

  auto start = Clock::now();
  uint64_t published = 0;
  interop::InteropSample sample;
  std::vector<uint8_t> data(o.size);
  for (uint64_t seq = 1; seq <= o.count && !stop_requested; seq++) {
    for (uint32_t i = 0; i < o.size; i++) data[i] = static_cast<uint8_t>(seq + i);
    sample.seq(seq);
    sample.data(data);
    // KEEP_ALL blocks up to max_blocking_time when the history is full of unacknowledged samples.
    while (!writer->write(&sample) && !stop_requested) {
      if (ms_since(start) > o.timeout_ms) fail("write kept failing until the timeout");
    }
    published++;
    if (o.interval_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(o.interval_us));
  }
  emit("{\"event\":\"published\",\"vendor\":\"fastdds\",\"count\":%llu,\"elapsedMs\":%ld}",
       static_cast<unsigned long long>(published), ms_since(start));

  long left = std::max(0L, o.timeout_ms - ms_since(start));
  bool acked = writer->wait_for_acknowledgments(duration_ms(left)) == ReturnCode_t::RETCODE_OK;
  long elapsed = ms_since(start);
  emit("{\"event\":\"acked\",\"vendor\":\"fastdds\",\"ok\":%s,\"elapsedMs\":%ld}", acked ? "true" : "false", elapsed);
  if (o.assert_for_ms > 0) {
    for (auto t = Clock::now(); !stop_requested && ms_since(t) < o.assert_for_ms;) {
      writer->assert_liveliness();
      sleep_ms(50);
    }
    emit("{\"event\":\"asserted\",\"vendor\":\"fastdds\"}");
  }
  for (auto t = Clock::now(); !stop_requested && ms_since(t) < o.linger_ms;) sleep_ms(20);
  emit("{\"published\":%llu,\"acked\":%s,\"matched\":%s,\"elapsedMs\":%ld}",
       static_cast<unsigned long long>(published), acked ? "true" : "false", matched ? "true" : "false", elapsed);
  publisher->delete_datawriter(writer);
  participant->delete_publisher(publisher);
  return published == o.count && acked ? 0 : 1;
}

static int run_sub(const Options &o, DomainParticipant *participant, Topic *topic, ParticipantListener &pl) {
  if (o.await_writer) {
    if (!pl.wait_for_writer(o.timeout_ms)) fail("no writer of the topic discovered");
    emit("{\"event\":\"writer-discovered\",\"vendor\":\"fastdds\"}");
  }
  Subscriber *subscriber = participant->create_subscriber(SUBSCRIBER_QOS_DEFAULT);
  if (subscriber == nullptr) fail("create_subscriber failed");
  DataReaderQos qos = DATAREADER_QOS_DEFAULT;
  qos.reliability().kind = o.reliable ? RELIABLE_RELIABILITY_QOS : BEST_EFFORT_RELIABILITY_QOS;
  qos.durability().kind = o.transient_local ? TRANSIENT_LOCAL_DURABILITY_QOS : VOLATILE_DURABILITY_QOS;
  set_history(o, qos.history(), qos.resource_limits());
  if (o.deadline_ms > 0) qos.deadline().period = duration_ms(o.deadline_ms);
  if (o.manual_liveliness_ms > 0) {
    qos.liveliness().kind = MANUAL_BY_TOPIC_LIVELINESS_QOS;
    qos.liveliness().lease_duration = duration_ms(o.manual_liveliness_ms);
  }
  ReaderListener listener(o);
  DataReader *reader = subscriber->create_datareader(
      topic, qos, &listener,
      StatusMask::subscription_matched() << StatusMask::data_available() << StatusMask::liveliness_changed());
  if (reader == nullptr) fail("create_datareader failed");
  emit("{\"event\":\"ready\",\"vendor\":\"fastdds\",\"role\":\"sub\",\"type\":\"%s\"}", o.type_name.c_str());

  auto start = Clock::now();
  Received &r = listener.r;
  {
    std::unique_lock<std::mutex> lock(r.mutex);
    while (r.received < o.count && !stop_requested && ms_since(start) < o.timeout_ms) {
      if (o.idle_ms > 0 && r.received > 0 &&
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - r.t_last).count() >= o.idle_ms)
        break;
      r.cv.wait_for(lock, std::chrono::milliseconds(20));
    }
  }
  // Give the acknowledgements of the last samples a moment to leave before the reader goes.
  if (o.reliable) sleep_ms(200);
  subscriber->delete_datareader(reader);
  participant->delete_subscriber(subscriber);

  std::lock_guard<std::mutex> lock(r.mutex);
  long elapsed = r.received > 0
                     ? static_cast<long>(
                           std::chrono::duration_cast<std::chrono::milliseconds>(r.t_last - r.t_first).count())
                     : 0;
  emit("{\"received\":%llu,\"inOrder\":%s,\"duplicates\":%llu,\"firstSeq\":%llu,\"lastSeq\":%llu,"
       "\"badData\":%llu,\"elapsedMs\":%ld}",
       static_cast<unsigned long long>(r.received), r.in_order ? "true" : "false",
       static_cast<unsigned long long>(r.duplicates), static_cast<unsigned long long>(r.first),
       static_cast<unsigned long long>(r.last), static_cast<unsigned long long>(r.bad), elapsed);
  return r.received == o.count && r.in_order && r.duplicates == 0 && r.bad == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  Options o = parse(argc, argv);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  DomainParticipantQos pqos = PARTICIPANT_QOS_DEFAULT;
  pqos.name("ros2ts-interop-fastdds");
  pqos.transport().use_builtin_transports = false;
  auto udp = std::make_shared<eprosima::fastdds::rtps::UDPv4TransportDescriptor>();
  udp->sendBufferSize = SOCKET_BUFFER;
  udp->receiveBufferSize = SOCKET_BUFFER;
  pqos.transport().user_transports.push_back(udp);
  pqos.transport().send_socket_buffer_size = SOCKET_BUFFER;
  pqos.transport().listen_socket_buffer_size = SOCKET_BUFFER;

  ParticipantListener pl;
  pl.topic = o.topic;
  DomainParticipant *participant =
      DomainParticipantFactory::get_instance()->create_participant(o.domain, pqos, &pl, StatusMask::none());
  if (participant == nullptr) fail("create_participant failed");
  TypeSupport type(new interop::InteropSamplePubSubType());
  if (type.register_type(participant) != ReturnCode_t::RETCODE_OK) fail("register_type failed");
  o.type_name = type.get_type_name();
  Topic *topic = participant->create_topic(o.topic, type.get_type_name(), TOPIC_QOS_DEFAULT);
  if (topic == nullptr) fail("create_topic failed");

  int code = o.pub ? run_pub(o, participant, topic) : run_sub(o, participant, topic, pl);

  participant->delete_topic(topic);
  DomainParticipantFactory::get_instance()->delete_participant(participant);
  return code;
}
