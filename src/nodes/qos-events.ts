/**
 * QoS event callbacks of publishers and subscriptions, as rclcpp's PublisherEventCallbacks and
 * SubscriptionEventCallbacks (rclcpp event_handler.hpp) give them, with rmw's status structs
 * (rmw/events_statuses/*.h) in camelCase. The RTPS layer counts (rtps/participant/endpoint-status.ts);
 * this module names the policy at fault as rmw does and keeps a throwing callback from reaching
 * the protocol code.
 *
 * Liveliness: a publisher is alive while its participant's lease holds (AUTOMATIC), and for a
 * MANUAL_BY_TOPIC profile with a finite lease while it publishes or calls `assertLiveliness`
 * within each lease (endpoint-status.ts, writer-leases.ts). MANUAL_BY_PARTICIPANT is treated as
 * AUTOMATIC.
 *
 * Lost messages: samples of a matched publisher this subscription will never get, counted as
 * Fast DDS does (rtps/reader/writer-proxy.ts): best effort, the sequence numbers skipped between
 * two received; reliable, those a HEARTBEAT says are gone without our having had them. A GAP
 * (a sample not for this subscription) is not a loss.
 *
 * Incompatible type: a publisher or subscription of another type on the topic, found on either
 * side and in this process too (rtps/participant/endpoint-status.ts says how it is counted, and
 * that rmw_fastrtps and rmw_cyclonedds never report it while rmw_connextdds does).
 */
import type {
  DeadlineMissedStatus,
  IncompatibleQosStatus,
  LivelinessChangedStatus,
  LivelinessLostStatus,
  MatchedStatus,
  MessageLostStatus,
  ReaderStatusListeners,
  IncompatibleTypeStatus as RtpsIncompatibleTypeStatus,
  WriterStatusListeners,
} from '../rtps/participant/endpoint-status.js';

export type { LivelinessChangedStatus, LivelinessLostStatus, MatchedStatus, MessageLostStatus };

/** rmw_offered_deadline_missed_status_t: the publisher did not publish within its deadline. */
export type OfferedDeadlineMissedStatus = DeadlineMissedStatus;
/** rmw_requested_deadline_missed_status_t: no message came within the subscription's deadline. */
export type RequestedDeadlineMissedStatus = DeadlineMissedStatus;

/** rmw_qos_policy_kind_t, without its prefix. */
export type QosPolicyKind =
  | 'INVALID'
  | 'DURABILITY'
  | 'DEADLINE'
  | 'LIVELINESS'
  | 'RELIABILITY'
  | 'HISTORY'
  | 'LIFESPAN';

/** rmw_qos_incompatible_event_status_t. */
export interface QosIncompatibleStatus {
  readonly totalCount: number;
  readonly totalCountChange: number;
  /** A policy that was incompatible the last time an incompatibility was found. */
  readonly lastPolicyKind: QosPolicyKind;
}
/** A subscription requesting what this publisher does not offer. */
export type OfferedQosIncompatibleStatus = QosIncompatibleStatus;
/** A publisher not offering what this subscription requests. */
export type RequestedQosIncompatibleStatus = QosIncompatibleStatus;

/** rmw_incompatible_type_status_t: endpoints of another type found on the topic. */
export interface IncompatibleTypeStatus {
  readonly totalCount: number;
  readonly totalCountChange: number;
}

/** Its result is ignored, but a rejected promise is logged. */
export type QosEventCallback<S> = (status: S) => unknown;

/** rclcpp::PublisherEventCallbacks. */
export interface PublisherEventCallbacks {
  /** Not published within the QoS deadline; again each period while nothing is published. */
  readonly deadline?: QosEventCallback<OfferedDeadlineMissedStatus>;
  /** MANUAL_BY_TOPIC liveliness: neither published nor asserted within the lease (once, until it does). */
  readonly liveliness?: QosEventCallback<LivelinessLostStatus>;
  /** A subscription with an incompatible QoS was found; given, rclcpp's warning is not logged. */
  readonly incompatibleQos?: QosEventCallback<OfferedQosIncompatibleStatus>;
  /**
   * rclcpp's incompatible_type_callback: a publisher or subscription of another type was found on
   * the topic; given, rclcpp's warning is not logged.
   */
  readonly incompatibleType?: QosEventCallback<IncompatibleTypeStatus>;
  /** A subscription matched or went away. */
  readonly matched?: QosEventCallback<MatchedStatus>;
}

/** rclcpp::SubscriptionEventCallbacks. */
export interface SubscriptionEventCallbacks {
  /** No message within the QoS deadline (from the first message on); again each period. */
  readonly deadline?: QosEventCallback<RequestedDeadlineMissedStatus>;
  /**
   * A matched publisher came, went, its participant stopped answering (lease expired), or, being
   * MANUAL_BY_TOPIC, it neither published nor asserted its liveliness within its lease (and back).
   */
  readonly liveliness?: QosEventCallback<LivelinessChangedStatus>;
  /** A publisher with an incompatible QoS was found; given, rclcpp's warning is not logged. */
  readonly incompatibleQos?: QosEventCallback<RequestedQosIncompatibleStatus>;
  /**
   * rclcpp's incompatible_type_callback: a publisher or subscription of another type was found on
   * the topic; given, rclcpp's warning is not logged.
   */
  readonly incompatibleType?: QosEventCallback<IncompatibleTypeStatus>;
  /** A publisher matched or went away. */
  readonly matched?: QosEventCallback<MatchedStatus>;
  /** rclcpp's message_lost_callback: messages of a matched publisher that will never come. */
  readonly messageLost?: QosEventCallback<MessageLostStatus>;
}

/**
 * rmw's kind of a DDS policy (qos-compatibility.ts names): policies ROS 2 has no kind for are
 * INVALID, as rmw_fastrtps's dds_qos_policy_to_rmw_qos_policy (rmw_event.cpp) makes them.
 */
export function rmwPolicyKind(ddsPolicy: string): QosPolicyKind {
  switch (ddsPolicy) {
    case 'DURABILITY':
    case 'DEADLINE':
    case 'LIVELINESS':
    case 'RELIABILITY':
    case 'HISTORY':
    case 'LIFESPAN':
      return ddsPolicy;
    default:
      return 'INVALID';
  }
}

type OnError = (event: string, error: unknown) => void;

/** Calls `callback`, handing what it throws or rejects with to `onError`. */
function guarded<S>(event: string, callback: QosEventCallback<S>, onError: OnError): (s: S) => void {
  return (s) => {
    try {
      const r = callback(s);
      if (r instanceof Promise) r.catch((e: unknown) => onError(event, e));
    } catch (error) {
      onError(event, error);
    }
  };
}

function incompatible(
  callback: QosEventCallback<QosIncompatibleStatus>,
  onError: OnError,
): (s: IncompatibleQosStatus) => void {
  const call = guarded('incompatible QoS', callback, onError);
  return (s) =>
    call({
      totalCount: s.totalCount,
      totalCountChange: s.totalCountChange,
      lastPolicyKind: rmwPolicyKind(s.lastPolicy),
    });
}

function incompatibleType(
  callback: QosEventCallback<IncompatibleTypeStatus>,
  onError: OnError,
): (s: RtpsIncompatibleTypeStatus) => void {
  const call = guarded('incompatible type', callback, onError);
  return (s) => call({ totalCount: s.totalCount, totalCountChange: s.totalCountChange });
}

/** How the node handles what the callbacks do not: errors they throw, and rclcpp's default warnings. */
export interface EventHooks {
  onError(event: string, error: unknown): void;
  /** rclcpp's default incompatible_qos_callback (a warning), for an endpoint given none. */
  warnIncompatible(s: IncompatibleQosStatus): void;
  /** rclcpp's default incompatible_type_callback (a warning), for an endpoint given none. */
  warnIncompatibleType(s: RtpsIncompatibleTypeStatus): void;
}

/** What the RTPS writer reports to: the callbacks given, and the warning unless one replaces it. */
export function writerListeners(
  callbacks: PublisherEventCallbacks,
  hooks: EventHooks,
): WriterStatusListeners {
  const { deadline, liveliness, incompatibleQos, incompatibleType: typeCallback, matched } = callbacks;
  const onError = (event: string, e: unknown) => hooks.onError(event, e);
  return {
    ...(deadline ? { deadlineMissed: guarded('deadline', deadline, onError) } : {}),
    ...(liveliness ? { livelinessLost: guarded('liveliness', liveliness, onError) } : {}),
    incompatibleQos: incompatibleQos
      ? incompatible(incompatibleQos, onError)
      : (s) => hooks.warnIncompatible(s),
    incompatibleType: typeCallback
      ? incompatibleType(typeCallback, onError)
      : (s) => hooks.warnIncompatibleType(s),
    ...(matched ? { matched: guarded('matched', matched, onError) } : {}),
  };
}

/** What the RTPS reader reports to: the callbacks given, and the warning unless one replaces it. */
export function readerListeners(
  callbacks: SubscriptionEventCallbacks,
  hooks: EventHooks,
): ReaderStatusListeners {
  const {
    deadline,
    liveliness,
    incompatibleQos,
    incompatibleType: typeCallback,
    matched,
    messageLost,
  } = callbacks;
  const onError = (event: string, e: unknown) => hooks.onError(event, e);
  return {
    ...(deadline ? { deadlineMissed: guarded('deadline', deadline, onError) } : {}),
    ...(liveliness ? { livelinessChanged: guarded('liveliness', liveliness, onError) } : {}),
    incompatibleQos: incompatibleQos
      ? incompatible(incompatibleQos, onError)
      : (s) => hooks.warnIncompatible(s),
    incompatibleType: typeCallback
      ? incompatibleType(typeCallback, onError)
      : (s) => hooks.warnIncompatibleType(s),
    ...(matched ? { matched: guarded('matched', matched, onError) } : {}),
    ...(messageLost ? { messageLost: guarded('message lost', messageLost, onError) } : {}),
  };
}
