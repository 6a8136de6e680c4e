/* The Cyclone DDS side of `npm run bench:discovery` (bench/discovery-scale.bench.ts builds it
 * with the descriptor idlc makes from discovery-scale-string.idl, and starts one per participant):
 *
 *   discovery-scale-cyclone <domain> <total> <id> <timeout-ms>
 *
 * One participant with a writer and a reader on rt/chatter (std_msgs::msg::dds_::String_;
 * reliable, volatile, keep-last 10: ROS's default profile), as a ROS node's publisher and
 * subscription would be, without the node's other endpoints. Prints JSON lines, times in
 * wall-clock milliseconds: {"event":"started","id","at"} once its endpoints exist,
 * {"event":"complete","id","at"} when it sees total-1 remote participants and its writer and
 * reader are each matched with all `total` (its own local match included), and on SIGTERM or at
 * the timeout {"event":"state","id","participants","subscriptions","publishers"} unless complete,
 * and at the end {"event":"cpu","id","ms"}: the CPU time (user + system, all threads) it used.
 * Default Cyclone configuration (in the loopback-only namespace it takes lo, with multicast). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dds/dds.h"
#include "discovery-scale-string.h"

#define MAX_PARTICIPANTS 1024

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
  (void) sig;
  stop_requested = 1;
}

static double wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

static double mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

static void check(dds_return_t rc, const char *what) {
  if (rc >= 0) return;
  fprintf(stderr, "discovery-scale-cyclone: %s: %s\n", what, dds_strretcode(rc));
  exit(2);
}

/* Alive participants other than ours in the builtin DCPSParticipant topic. */
static int remote_participants(dds_entity_t reader, const dds_guid_t *own) {
  static void *samples[MAX_PARTICIPANTS];
  static dds_sample_info_t infos[MAX_PARTICIPANTS];
  memset(samples, 0, sizeof samples);
  dds_return_t n = dds_read_mask(reader, samples, infos, MAX_PARTICIPANTS, MAX_PARTICIPANTS,
                                 DDS_ANY_SAMPLE_STATE | DDS_ANY_VIEW_STATE | DDS_ALIVE_INSTANCE_STATE);
  check(n, "read DCPSParticipant");
  int remote = 0;
  for (int i = 0; i < n; i++) {
    const dds_builtintopic_participant_t *p = samples[i];
    if (infos[i].valid_data && memcmp(&p->key, own, sizeof *own) != 0) remote++;
  }
  if (n > 0) dds_return_loan(reader, samples, n);
  return remote;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: discovery-scale-cyclone <domain> <total> <id> <timeout-ms>\n");
    return 2;
  }
  const dds_domainid_t domain = (dds_domainid_t) atoi(argv[1]);
  const int total = atoi(argv[2]);
  const int id = atoi(argv[3]);
  const double timeout_ms = atof(argv[4]);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);

  dds_entity_t pp = dds_create_participant(domain, NULL, NULL);
  check(pp, "create participant");
  dds_guid_t own;
  check(dds_get_guid(pp, &own), "participant guid");
  dds_entity_t topic = dds_create_topic(pp, &std_msgs_msg_dds__String__desc, "rt/chatter", NULL, NULL);
  check(topic, "create topic");
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_MSECS(100));
  dds_qset_durability(qos, DDS_DURABILITY_VOLATILE);
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 10);
  dds_entity_t writer = dds_create_writer(pp, topic, qos, NULL);
  check(writer, "create writer");
  dds_entity_t reader = dds_create_reader(pp, topic, qos, NULL);
  check(reader, "create reader");
  dds_delete_qos(qos);
  dds_entity_t participants = dds_create_reader(pp, DDS_BUILTIN_TOPIC_DCPSPARTICIPANT, NULL, NULL);
  check(participants, "create DCPSParticipant reader");
  printf("{\"event\":\"started\",\"id\":%d,\"at\":%.3f}\n", id, wall_ms());
  fflush(stdout);

  const double end = mono_ms() + timeout_ms;
  int remote = 0;
  dds_publication_matched_status_t pm = {0};
  dds_subscription_matched_status_t sm = {0};
  for (;;) {
    remote = remote_participants(participants, &own);
    check(dds_get_publication_matched_status(writer, &pm), "publication matched");
    check(dds_get_subscription_matched_status(reader, &sm), "subscription matched");
    if (remote >= total - 1 && (int) pm.current_count >= total && (int) sm.current_count >= total) {
      printf("{\"event\":\"complete\",\"id\":%d,\"at\":%.3f}\n", id, wall_ms());
      fflush(stdout);
      break;
    }
    if (stop_requested || mono_ms() >= end) {
      printf("{\"event\":\"state\",\"id\":%d,\"participants\":%d,\"subscriptions\":%u,\"publishers\":%u}\n", id,
             remote + 1, pm.current_count, sm.current_count);
      fflush(stdout);
      break;
    }
    dds_sleepfor(DDS_MSECS(10));
  }
  /* Stay until told to go: leaving now would take this participant from the others' counts. */
  while (!stop_requested && mono_ms() < end) dds_sleepfor(DDS_MSECS(20));
  dds_delete(pp);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const double cpu_ms = (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
                        (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
  printf("{\"event\":\"cpu\",\"id\":%d,\"ms\":%.1f}\n", id, cpu_ms);
  fflush(stdout);
  return 0;
}
