/**
 * `ros2 bag info`'s text (rosbag2_py `format_bag_metadata.cpp`): fields padded to 19 columns,
 * times in local time as `%b %e %Y %H:%M:%S.<ns>` with the seconds since the epoch, sizes in
 * KiB/MiB with one decimal, topics in the metadata's order, service event topics under "Service".
 */
import type { BagMetadata, BagTopicInfo } from './metadata.js';

const INDENT = ' '.repeat(19);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function secondsText(ns: bigint): string {
  const s = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${s}.${frac}`;
}

/** `%b %e %Y %H:%M:%S.<ns> (<s>.<ns>)` in the local time zone, as put_time with localtime_r. */
export function formatTimePoint(ns: bigint): string {
  const s = ns / 1_000_000_000n;
  const d = new Date(Number(s) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${d.getFullYear()}`;
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
  return `${date} ${time} (${secondsText(ns)})`;
}

export function formatFileSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < 4) {
    size /= 1024;
    i++;
  }
  return `${i === 0 ? size.toFixed(0) : size.toFixed(1)} ${units[i]}`;
}

const SERVICE_EVENT = '/_service_event';

function isServiceEvent(t: BagTopicInfo): boolean {
  return t.topic.name.endsWith(SERVICE_EVENT) && t.topic.type.endsWith('_Event');
}

export function formatBagInfo(m: BagMetadata, bagSize: number): string {
  const lines: string[] = [''];
  const files = m.relativeFilePaths.length > 0 ? m.relativeFilePaths : [''];
  lines.push(`Files:             ${files[0]}`);
  for (const f of files.slice(1)) lines.push(`${INDENT}${f}`);
  lines.push(`Bag size:          ${formatFileSize(bagSize)}`);
  lines.push('Storage id:        mcap');
  lines.push(`ROS Distro:        ${m.rosDistro || 'unknown'}`);
  lines.push(`Duration:          ${secondsText(m.durationNs)}s`);
  lines.push(`Start:             ${formatTimePoint(m.startNs)}`);
  lines.push(`End:               ${formatTimePoint(m.startNs + m.durationNs)}`);
  // In the metadata's order: Jazzy's rosbag2_py format_bag_metadata.cpp (0.26.5) does not sort
  // (sorting by name, InfoSortingMethod, came after Jazzy).
  const services = m.topics.filter(isServiceEvent);
  const serviceMessages = services.reduce((n, t) => n + t.messageCount, 0);
  lines.push(`Messages:          ${m.messageCount - serviceMessages}`);
  const topics = m.topics.filter((t) => !isServiceEvent(t));
  const topicLine = (t: BagTopicInfo) =>
    `Topic: ${t.topic.name} | Type: ${t.topic.type} | Count: ${t.messageCount} | Serialization Format: ${t.topic.serializationFormat}`;
  if (topics.length === 0) lines.push('Topic information: ');
  else {
    lines.push(`Topic information: ${topicLine(topics[0]!)}`);
    for (const t of topics.slice(1)) lines.push(`${INDENT}${topicLine(t)}`);
  }
  lines.push(`Service:           ${services.length}`);
  const serviceLine = (t: BagTopicInfo) =>
    `Service: ${t.topic.name.slice(0, -SERVICE_EVENT.length)} | Type: ${t.topic.type.slice(0, -'_Event'.length)} | Event Count: ${t.messageCount} | Serialization Format: ${t.topic.serializationFormat}`;
  if (services.length === 0) lines.push('Service information: ');
  else {
    lines.push(`Service information: ${serviceLine(services[0]!)}`);
    for (const t of services.slice(1)) lines.push(`${' '.repeat(21)}${serviceLine(t)}`);
  }
  return `${lines.join('\n')}\n`;
}
