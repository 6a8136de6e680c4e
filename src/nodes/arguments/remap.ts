/**
 * Applying remap rules as rcl does (ros2/rcl `remap.c`, `node.c`, `node_resolve_name.c`): the
 * node's own rules (NodeOptions.arguments) are searched first, then the context's (unless the node
 * does not use global arguments); in each list the first rule that matches wins. A rule with a
 * `node:` prefix applies only to the node of that name. For topics and services, both the rule's
 * match and the name are expanded first (`~`, relative names, for this node), so `chatter`,
 * `/chatter` and `~/x` rules compare fully qualified names; the replacement is expanded the same
 * way. The node name is remapped first; the namespace rule's `node:` prefix then compares against
 * the new name, as in rcl_node_init.
 */
import { InvalidNameError } from '../../rmw/errors.js';
import { expandTopicName } from '../../rmw/names.js';
import type { RemapRule } from './rules.js';

/** The rule lists a node consults: its own, then the context's (undefined: none). */
export interface RemapSources {
  readonly local?: readonly RemapRule[];
  readonly global?: readonly RemapRule[];
}

type Applies = (rule: RemapRule) => boolean;

function firstMatch(sources: RemapSources, applies: Applies): RemapRule | undefined {
  for (const rules of [sources.local, sources.global]) {
    const found = rules?.find(applies);
    if (found) return found;
  }
  return undefined;
}

const forNode = (rule: RemapRule, nodeName: string) =>
  rule.nodeName === undefined || rule.nodeName === nodeName;

/** The node's name after `__node:=` rules (the name itself when none applies). */
export function remapNodeName(sources: RemapSources, nodeName: string): string {
  const rule = firstMatch(sources, (r) => r.kind === 'nodeName' && forNode(r, nodeName));
  return rule ? rule.replacement : nodeName;
}

/** The namespace a `__ns:=` rule gives the node (named after remapping), or undefined. */
export function remapNamespace(sources: RemapSources, nodeName: string): string | undefined {
  return firstMatch(sources, (r) => r.kind === 'namespace' && forNode(r, nodeName))?.replacement;
}

/**
 * The name a topic or service of the node `nodeName` in `namespace` is remapped to, from its
 * expanded (fully qualified) name; the name itself when no rule applies. Throws InvalidNameError
 * when the chosen rule's replacement does not expand to a valid name.
 */
export function remapTopicName(
  sources: RemapSources,
  expandedName: string,
  nodeName: string,
  namespace: string,
  kind: 'topic' | 'service',
): string {
  const rule = firstMatch(sources, (r) => {
    if (r.kind !== 'name' || !(kind === 'topic' ? r.topic : r.service) || !forNode(r, nodeName)) return false;
    try {
      return expandTopicName(r.match as string, nodeName, namespace) === expandedName;
    } catch (error) {
      // A match that does not expand for this node matches nothing (rcl skips the rule).
      if (error instanceof InvalidNameError) return false;
      throw error;
    }
  });
  if (!rule) return expandedName;
  return expandTopicName(
    rule.replacement,
    nodeName,
    namespace,
    kind === 'topic' ? 'topic name' : 'service name',
  );
}
