/**
 * ROS 2 names: validation, expansion of relative, private (`~`) and substituted names, the mapping
 * to and from DDS topic names (WIRE.md section 1), hidden names, node full names, action names.
 *
 * The rules and reasons are those of ros2/rmw `validate_full_topic_name.c`, `validate_node_name.c`,
 * `validate_namespace.c` and ros2/rcl `validate_topic_name.c`, `expand_topic_name.c` and
 * `node_resolve_name.c` (expand, then validate the result as a full name), checked in the same
 * order so the problem reported first is the one ROS reports. Deliberate differences:
 * - the too-long reasons give the number: ROS's stringified macros print `'255U - 8U'`, and for a
 *   namespace the name of an undefined macro;
 * - `~x` (a tilde and one more character that is not `/`) is refused: rcl's check skips the last
 *   character, so it lets `~x` through and expands it to `/ns/nodex`;
 * - indexes count UTF-16 code units, not bytes (they differ only after a non-ASCII character).
 * Remapping (`--ros-args -r`) is not done here.
 */
import { InvalidNameError, type NameKind, type NameProblem, type NameProblemCode } from './errors.js';

/** 255 less 8 that rmw reserves for the DDS prefixes (`rt`, `rq`, ...). */
export const TOPIC_MAX_NAME_LENGTH = 247;
/** Two less than a topic name, so that a namespace leaves room for a name under it. */
export const NAMESPACE_MAX_LENGTH = 245;
export const NODE_NAME_MAX_LENGTH = 255;

/** The kinds of name that follow the topic name rules. */
export type TopicNameKind = Extract<NameKind, 'topic name' | 'service name' | 'action name'>;

const SLASH = 0x2f;
const UNDERSCORE = 0x5f;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** ASCII only, as rcutils_isalnum_no_locale: a name must read the same in every locale. */
function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

type Found = { readonly code: NameProblemCode; readonly index: number } | undefined;

const at = (code: NameProblemCode, index: number): Found => ({ code, index });

function withReason(
  found: Found,
  reasons: Partial<Record<NameProblemCode, string>>,
): NameProblem | undefined {
  if (!found) return undefined;
  return { ...found, reason: reasons[found.code] ?? found.code };
}

// --- full names (rmw) ---

const FULL_TOPIC_REASONS: Partial<Record<NameProblemCode, string>> = {
  empty: 'topic name must not be empty',
  'not-absolute': "topic name must be absolute, it must lead with a '/'",
  'ends-with-slash': "topic name must not end with a '/'",
  'unallowed-characters': "topic name must not contain characters other than alphanumerics, '_', or '/'",
  'repeated-slash': "topic name must not contain repeated '/'",
  'token-starts-with-number': 'topic name must not have a token that starts with a number',
  'too-long': `topic length should not exceed '${TOPIC_MAX_NAME_LENGTH}'`,
};

const NAMESPACE_REASONS: Partial<Record<NameProblemCode, string>> = {
  empty: 'namespace must not be empty',
  'not-absolute': "namespace must be absolute, it must lead with a '/'",
  'ends-with-slash': "namespace must not end with a '/', unless only a '/'",
  'unallowed-characters': "namespace must not contain characters other than alphanumerics, '_', or '/'",
  'repeated-slash': "namespace must not contain repeated '/'",
  'token-starts-with-number': 'namespace must not have a token that starts with a number',
  'too-long': `namespace should not exceed '${NAMESPACE_MAX_LENGTH}'`,
};

const NODE_NAME_REASONS: Partial<Record<NameProblemCode, string>> = {
  empty: 'node name must not be empty',
  'unallowed-characters': "node name must not contain characters other than alphanumerics or '_'",
  'starts-with-number': 'node name must not start with a number',
  'too-long': `node name length should not exceed '${NODE_NAME_MAX_LENGTH}'`,
};

/** The rules a full topic name and a namespace share; the length limit is the caller's. */
function fullNameProblem(name: string): Found {
  if (name.length === 0) return at('empty', 0);
  if (name.charCodeAt(0) !== SLASH) return at('not-absolute', 0);
  if (name.charCodeAt(name.length - 1) === SLASH) return at('ends-with-slash', name.length - 1);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isAlnum(c) && c !== UNDERSCORE && c !== SLASH) return at('unallowed-characters', i);
  }
  for (let i = 0; i < name.length - 1; i++) {
    if (name.charCodeAt(i) !== SLASH) continue;
    const next = name.charCodeAt(i + 1);
    if (next === SLASH) return at('repeated-slash', i + 1);
    if (isDigit(next)) return at('token-starts-with-number', i + 1);
  }
  return undefined;
}

/** What is wrong with a fully qualified topic or service name, or undefined when it is valid. */
export function checkFullTopicName(name: string): NameProblem | undefined {
  const found =
    fullNameProblem(name) ??
    (name.length > TOPIC_MAX_NAME_LENGTH ? at('too-long', TOPIC_MAX_NAME_LENGTH - 1) : undefined);
  return withReason(found, FULL_TOPIC_REASONS);
}

export function checkNamespace(namespace: string): NameProblem | undefined {
  if (namespace === '/') return undefined;
  const found =
    fullNameProblem(namespace) ??
    (namespace.length > NAMESPACE_MAX_LENGTH ? at('too-long', NAMESPACE_MAX_LENGTH - 1) : undefined);
  return withReason(found, NAMESPACE_REASONS);
}

export function checkNodeName(name: string): NameProblem | undefined {
  let found: Found;
  if (name.length === 0) found = at('empty', 0);
  for (let i = 0; !found && i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isAlnum(c) && c !== UNDERSCORE) found = at('unallowed-characters', i);
  }
  if (!found && isDigit(name.charCodeAt(0))) found = at('starts-with-number', 0);
  if (!found && name.length > NODE_NAME_MAX_LENGTH) found = at('too-long', NODE_NAME_MAX_LENGTH - 1);
  return withReason(found, NODE_NAME_REASONS);
}

// --- names as users write them (rcl) ---

const TOPIC_REASONS: Partial<Record<NameProblemCode, string>> = {
  empty: 'topic name must not be empty string',
  'ends-with-slash': 'topic name must not end with a forward slash',
  // rcl's wording, which leaves out '/' although '/' is allowed.
  'unallowed-characters':
    "topic name must not contain characters other than alphanumerics, '_', '~', '{', or '}'",
  'token-starts-with-number': 'topic name token must not start with a number',
  'unmatched-curly-brace': "topic name must not have unmatched (unbalanced) curly braces '{}'",
  'misplaced-tilde': "topic name must not have tilde '~' unless it is the first character",
  'tilde-not-followed-by-slash':
    "topic name must not have a tilde '~' that is not followed by a forward slash '/'",
  'substitution-unallowed-characters':
    "substitution name must not contain characters other than alphanumerics or '_'",
  'substitution-starts-with-number': 'substitution name must not start with a number',
};

/** The character scan of rcl: allowed characters, `~` placement, `{substitution}` syntax. */
function topicCharactersProblem(name: string): Found {
  let openBrace = -1;
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    const code = name.charCodeAt(i);
    const inBraces = openBrace >= 0;
    if (isAlnum(code)) {
      if (inBraces && isDigit(code) && i === openBrace + 1) return at('substitution-starts-with-number', i);
    } else if (c === '/') {
      if (inBraces) return at('substitution-unallowed-characters', i);
    } else if (c === '~') {
      if (i !== 0) return at('misplaced-tilde', i);
    } else if (c === '{') {
      if (inBraces) return at('substitution-unallowed-characters', i);
      openBrace = i;
    } else if (c === '}') {
      if (!inBraces) return at('unmatched-curly-brace', i);
      openBrace = -1;
    } else if (c !== '_') {
      return at(inBraces ? 'substitution-unallowed-characters' : 'unallowed-characters', i);
    }
  }
  return openBrace >= 0 ? at('unmatched-curly-brace', openBrace) : undefined;
}

/**
 * What is wrong with a topic or service name as a node is given it (relative or absolute, `~` and
 * `{node}` / `{ns}` / `{namespace}` allowed), or undefined. Repeated `/` and the length are only
 * caught after expansion, as in rcl.
 */
export function checkTopicName(name: string): NameProblem | undefined {
  let found: Found;
  if (name.length === 0) found = at('empty', 0);
  else if (isDigit(name.charCodeAt(0))) found = at('token-starts-with-number', 0);
  else if (name.endsWith('/')) found = at('ends-with-slash', name.length - 1);
  else found = topicCharactersProblem(name);
  if (!found && name.startsWith('~') && name.length > 1 && name[1] !== '/') {
    found = at('tilde-not-followed-by-slash', 1);
  }
  for (let i = 0; !found && i < name.length - 1; i++) {
    if (name[i] === '/' && isDigit(name.charCodeAt(i + 1))) found = at('token-starts-with-number', i + 1);
  }
  return withReason(found, TOPIC_REASONS);
}

function throwIf(kind: NameKind, input: string, problem: NameProblem | undefined): void {
  if (problem) throw new InvalidNameError(kind, input, problem);
}

export function validateNodeName(name: string): void {
  throwIf('node name', name, checkNodeName(name));
}

export function validateNamespace(namespace: string): void {
  throwIf('namespace', namespace, checkNamespace(namespace));
}

export function validateTopicName(name: string, kind: TopicNameKind = 'topic name'): void {
  throwIf(kind, name, checkTopicName(name));
}

export function validateFullTopicName(name: string, kind: TopicNameKind = 'topic name'): void {
  throwIf(kind, name, checkFullTopicName(name));
}

/**
 * A node's namespace as rcl_node_init takes it: empty is `/`, a missing leading `/` is added; the
 * result must then be a valid namespace.
 */
export function normalizeNodeNamespace(namespace: string): string {
  const ns = namespace === '' ? '/' : namespace.startsWith('/') ? namespace : `/${namespace}`;
  validateNamespace(ns);
  return ns;
}

// --- expansion ---

const SUBSTITUTION = /\{([^}]*)\}/g;

/** `{ns}` under the root namespace gives `//x`, refused later as in rcl. */
function substitutionValue(key: string, nodeName: string, namespace: string): string | undefined {
  if (key === 'node') return nodeName;
  if (key === 'ns' || key === 'namespace') return namespace;
  return undefined;
}

/** `ns` joined with a relative name, without doubling the root's `/`. */
function underNamespace(namespace: string, relative: string): string {
  return namespace === '/' ? `/${relative}` : `${namespace}/${relative}`;
}

/**
 * The fully qualified name a node named `nodeName` in `namespace` resolves `name` to:
 * `chatter` → `/ns/chatter`, `~/x` → `/ns/node/x`, `~` → `/ns/node`, `{node}/x` → `/ns/node/x`.
 * Throws InvalidNameError for an invalid input, node name or namespace, an unknown substitution,
 * or a result that is not a valid full name (`/foo/{ns}` gives `/foo//ns`).
 */
export function expandTopicName(
  name: string,
  nodeName: string,
  namespace: string,
  kind: TopicNameKind = 'topic name',
): string {
  validateTopicName(name, kind);
  validateNodeName(nodeName);
  validateNamespace(namespace);
  for (const m of name.matchAll(SUBSTITUTION)) {
    if (substitutionValue(m[1] as string, nodeName, namespace) === undefined) {
      throw new InvalidNameError(kind, name, {
        code: 'unknown-substitution',
        reason: `unknown substitution: ${m[0]}`,
        index: m.index,
      });
    }
  }
  let out = name.startsWith('~') ? underNamespace(namespace, nodeName) + name.slice(1) : name;
  out = out.replace(SUBSTITUTION, (_m, key: string) => substitutionValue(key, nodeName, namespace) as string);
  if (!out.startsWith('/')) out = underNamespace(namespace, out);
  validateFullTopicName(out, kind);
  return out;
}

// --- DDS topic names ---

export interface DdsNameOptions {
  /** The rmw QoS flag: no `rt`/`rq`/`rr` prefix (how `ros_discovery_info` keeps its bare name). */
  readonly avoidRosNamespaceConventions?: boolean;
}

/** `/turtle1/cmd_vel` → `rt/turtle1/cmd_vel`. Throws InvalidNameError unless `name` is a full name. */
export function topicToDds(name: string, options: DdsNameOptions = {}): string {
  if (options.avoidRosNamespaceConventions) return name;
  validateFullTopicName(name);
  return `rt${name}`;
}

export interface ServiceDdsTopics {
  readonly request: string;
  readonly reply: string;
}

/** `/spawn` → `rq/spawnRequest` and `rr/spawnReply`: the topic suffix is `Reply`, not `Response`. */
export function serviceToDds(name: string, options: DdsNameOptions = {}): ServiceDdsTopics {
  if (options.avoidRosNamespaceConventions) return { request: `${name}Request`, reply: `${name}Reply` };
  validateFullTopicName(name, 'service name');
  return { request: `rq${name}Request`, reply: `rr${name}Reply` };
}

export interface RosNameOfDdsTopic {
  readonly kind: 'topic' | 'serviceRequest' | 'serviceReply';
  readonly name: string;
}

/**
 * The ROS name behind a DDS topic, as rmw_fastrtps demangles it for the graph; undefined for a
 * topic outside the ROS conventions (`ros_discovery_info`, plain DDS topics, an `rq/` topic
 * without the `Request` suffix). Like rmw, the name is not validated: the graph shows what is
 * there.
 */
export function ddsToRos(ddsTopic: string): RosNameOfDdsTopic | undefined {
  if (ddsTopic.startsWith('rt/')) return { kind: 'topic', name: ddsTopic.slice(2) };
  if (ddsTopic.startsWith('rq/') && ddsTopic.endsWith('Request')) {
    return { kind: 'serviceRequest', name: ddsTopic.slice(2, -'Request'.length) };
  }
  if (ddsTopic.startsWith('rr/') && ddsTopic.endsWith('Reply')) {
    return { kind: 'serviceReply', name: ddsTopic.slice(2, -'Reply'.length) };
  }
  return undefined;
}

// --- hidden names and node names ---

/** A topic or service is hidden when any of its tokens starts with `_` (rclpy, ros2cli). */
export function isHiddenName(name: string): boolean {
  return name.split('/').some((token) => token.startsWith('_'));
}

/**
 * A node is hidden when its own name (the last token of a full name) starts with `_`; its
 * namespace does not count. ros2cli leaves out nameless nodes as well, so they count as hidden.
 */
export function isHiddenNodeName(nameOrFullName: string): boolean {
  const base = nameOrFullName.slice(nameOrFullName.lastIndexOf('/') + 1);
  return base === '' || base.startsWith('_');
}

export interface NodeNameParts {
  readonly namespace: string;
  readonly name: string;
}

/** `/ns/node` → `{ namespace: '/ns', name: 'node' }`; `node` and `/node` are in `/` (as ros2cli). */
export function splitNodeFqn(fullName: string): NodeNameParts {
  const full = fullName.startsWith('/') ? fullName : `/${fullName}`;
  const cut = full.lastIndexOf('/');
  return { namespace: cut === 0 ? '/' : full.slice(0, cut), name: full.slice(cut + 1) };
}

/** `('/ns', 'node')` → `/ns/node`, `('/', 'node')` → `/node`. */
export function nodeFqn(namespace: string, name: string): string {
  return `${namespace}${namespace.endsWith('/') ? '' : '/'}${name}`;
}

// --- actions ---

const ACTION_INFIX = '/_action/';

export interface ActionNames {
  readonly sendGoal: string;
  readonly cancelGoal: string;
  readonly getResult: string;
  readonly feedback: string;
  readonly status: string;
}

export type ActionPart = keyof ActionNames;

const ACTION_PARTS: Readonly<Record<ActionPart, string>> = {
  sendGoal: 'send_goal',
  cancelGoal: 'cancel_goal',
  getResult: 'get_result',
  feedback: 'feedback',
  status: 'status',
};

/**
 * The three services (sendGoal, cancelGoal, getResult) and two topics (feedback, status) of an
 * action, as rcl_action names them: `<action>/_action/send_goal`... A relative action name gives
 * relative names, to be expanded like any other.
 */
export function actionNames(action: string): ActionNames {
  validateTopicName(action, 'action name');
  const name = (part: ActionPart) => `${action}${ACTION_INFIX}${ACTION_PARTS[part]}`;
  return {
    sendGoal: name('sendGoal'),
    cancelGoal: name('cancelGoal'),
    getResult: name('getResult'),
    feedback: name('feedback'),
    status: name('status'),
  };
}

/** The action a service or topic name belongs to, and which part it is; undefined if none. */
export function splitActionName(
  name: string,
): { readonly action: string; readonly part: ActionPart } | undefined {
  const cut = name.lastIndexOf(ACTION_INFIX);
  if (cut <= 0) return undefined;
  const suffix = name.slice(cut + ACTION_INFIX.length);
  const part = (Object.keys(ACTION_PARTS) as ActionPart[]).find((p) => ACTION_PARTS[p] === suffix);
  return part ? { action: name.slice(0, cut), part } : undefined;
}
