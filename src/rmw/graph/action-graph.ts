/**
 * Actions in the graph, derived as rcl_action's graph.c derives them (there is no action entity
 * in DDS): a topic named `<action>/_action/feedback` is an action, its types are the topic's types
 * with the `_FeedbackMessage` suffix cut. Servers publish the feedback topic and clients subscribe
 * to it, which is how the per-node lists are told apart.
 */
import { isHiddenName } from '../names.js';
import type { NameAndTypes } from './graph-cache.js';

const FEEDBACK_SUFFIX = '/_action/feedback';
const FEEDBACK_TYPE_SUFFIX = '_FeedbackMessage';

/** The actions among topic names and types (all topics, or a node's publishers or subscribers), sorted. */
export function actionNamesAndTypes(topics: readonly NameAndTypes[]): NameAndTypes[] {
  const out: NameAndTypes[] = [];
  for (const t of topics) {
    if (!t.name.endsWith(FEEDBACK_SUFFIX)) continue;
    const name = t.name.slice(0, -FEEDBACK_SUFFIX.length);
    const types = t.types.map((type) =>
      type.endsWith(FEEDBACK_TYPE_SUFFIX) ? type.slice(0, -FEEDBACK_TYPE_SUFFIX.length) : type,
    );
    out.push({ name, types: [...new Set(types)].sort(), hidden: isHiddenName(name) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
