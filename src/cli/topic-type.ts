/**
 * A topic's name and type as ros2topic's verbs find them (ros2topic/api/__init__.py, Jazzy):
 * shared by the verbs that subscribe to a topic whose type they look up in the graph.
 */
import { CliError, print } from './errors.js';
import { messageType } from './interfaces.js';
import { type Session, sleep } from './session.js';

/** The topic's full name, or the name check's error as the command's error. */
export function resolveTopic(s: Session, name: string): string {
  try {
    return s.node.resolveName(name);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/** ros2topic's get_msg_class(blocking=True): waits (forever) until the topic has a type. */
export async function waitForTopicType(
  s: Session,
  topicName: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const name = resolveTopic(s, topicName);
  const find = () => s.node.getTopicNamesAndTypes().find((t) => t.name === name);
  await s.waitForDiscovery({ until: () => find() !== undefined });
  if (!find()) {
    print(`WARNING: topic [${topicName}] does not appear to be published yet`);
    while (!find() && !signal.aborted) {
      await sleep(100, signal);
    }
  }
  const found = find();
  if (!found) return undefined;
  if (found.types.length > 1) {
    throw new CliError(
      `Cannot echo topic '${topicName}', as it contains more than one type: [${found.types.join(', ')}]`,
    );
  }
  return messageType(found.types[0]!);
}
