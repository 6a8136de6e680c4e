/**
 * rosapi's parameter services as rosbridge_suite 2.x answers them on ROS 2 (rosapi/params.py and
 * rosapi_node.py; the srv files in rosapi_msgs): `get_param`, `set_param`, `has_param`,
 * `delete_param` and `get_param_names`, over each remote node's parameter services
 * (ParameterClient, one per remote node, made on first use).
 *
 * - A parameter is named `<node>:<param>` (`/turtlesim:background_r`; a relative node name is
 *   taken from the root namespace, as ros2node's get_absolute_node_name does).
 * - Values travel as JSON text both ways: get_param answers `value` as the JSON of the parameter's
 *   value; set_param takes `value` as JSON and types the parameter as rclpy's
 *   get_parameter_value types the text (a JSON string is read again as a YAML scalar, so `"5"`
 *   sets the integer 5, as with rosbridge).
 * - The answers carry `successful` and `reason` (rosapi_msgs' newer GetParam, SetParam and
 *   DeleteParam, which roslib 2.x reads): a missing node, a refused set or an unknown parameter
 *   is `successful: false` with the reason. GetParam's older `default_value`, when a client still
 *   sends one, is answered for a parameter that is not set.
 * - get_param_names lists `<node>:<param>` for every node offering list_parameters, except the
 *   bridge's own node (as rosapi leaves out its own).
 */
import { type Node, ParameterClient, type ParameterValue, type ParameterValueInput } from '../../index.js';
import { nodeFqn } from '../../rmw/names.js';
import { BridgeInputError } from '../errors.js';
import type { JsonValue } from '../json-message.js';
import type { RosapiHandler } from './rosapi.js';

export class RosapiParams {
  readonly handlers: Record<string, RosapiHandler>;
  private readonly clients = new Map<string, ParameterClient>();

  constructor(
    private readonly node: Node,
    /** rosapi's DEFAULT_PARAM_TIMEOUT_SEC is 5 s. */
    private readonly timeoutMs = 5_000,
  ) {
    this.handlers = {
      get_param: (a) => this.getParam(a),
      set_param: (a) => this.setParam(a),
      has_param: (a) => this.hasParam(a),
      delete_param: (a) => this.deleteParam(a),
      get_param_names: () => this.getParamNames(),
    };
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  private async getParam(args: Record<string, unknown>): Promise<JsonValue> {
    const fallback = typeof args['default_value'] === 'string' ? args['default_value'] : '';
    try {
      const { node, param } = splitName(args['name']);
      const value = await this.client(node).getParameter(param, { timeout: this.timeoutMs });
      if (value.type === 'not_set') {
        if (fallback !== '') return { value: fallback, successful: true, reason: '' };
        return failure(`parameter ${param} is not set on ${node}`, { value: '' });
      }
      return { value: JSON.stringify(jsonOfParameter(value)), successful: true, reason: '' };
    } catch (error) {
      return failure(error, { value: '' });
    }
  }

  private async setParam(args: Record<string, unknown>): Promise<JsonValue> {
    try {
      const { node, param } = splitName(args['name']);
      const text = args['value'];
      if (typeof text !== 'string') throw new BridgeInputError("rosapi: 'value' must be a JSON string");
      const [result] = await this.client(node).setParameters(
        [{ name: param, value: parameterOfJson(text) }],
        {
          timeout: this.timeoutMs,
        },
      );
      if (!result) return failure(`${node} answered no result`);
      return { successful: result.successful, reason: result.reason };
    } catch (error) {
      return failure(error);
    }
  }

  private async hasParam(args: Record<string, unknown>): Promise<JsonValue> {
    try {
      const { node, param } = splitName(args['name']);
      return { exists: await this.exists(node, param) };
    } catch {
      return { exists: false };
    }
  }

  private async deleteParam(args: Record<string, unknown>): Promise<JsonValue> {
    try {
      const { node, param } = splitName(args['name']);
      if (!(await this.exists(node, param))) return { successful: true, reason: '' };
      const [result] = await this.client(node).deleteParameters([param], { timeout: this.timeoutMs });
      if (!result) return failure(`${node} answered no result`);
      return { successful: result.successful, reason: result.reason };
    } catch (error) {
      return failure(error);
    }
  }

  private async getParamNames(): Promise<JsonValue> {
    const own = this.node.fullyQualifiedName;
    const offered = new Set(this.node.getServiceNamesAndTypes().map((s) => s.name));
    const nodes = this.node
      .getNodeNames()
      .map((n) => nodeFqn(n.namespace, n.name))
      .filter((n) => n !== own && offered.has(`${n}/list_parameters`));
    const lists = await Promise.all(
      nodes.map((n) =>
        this.client(n)
          .listParameters([], 0, { timeout: this.timeoutMs })
          .then(
            (r) => r.names.map((p) => `${n}:${p}`),
            // A node that does not answer in time is left out, as rosapi leaves it out.
            () => [],
          ),
      ),
    );
    return { names: lists.flat() };
  }

  private async exists(node: string, param: string): Promise<boolean> {
    const value = await this.client(node).getParameter(param, { timeout: this.timeoutMs });
    return value.type !== 'not_set';
  }

  private client(node: string): ParameterClient {
    let c = this.clients.get(node);
    if (!c) {
      // Clients only for nodes the graph has: names a web client makes up cost nothing.
      if (!this.node.getNodeNames().some((n) => nodeFqn(n.namespace, n.name) === node))
        throw new Error(`node ${node} is not in the graph`);
      c = new ParameterClient(this.node, node);
      this.clients.set(node, c);
    }
    return c;
  }
}

function failure(error: unknown, extra: Record<string, JsonValue> = {}): JsonValue {
  const reason = error instanceof Error ? error.message : String(error);
  return { ...extra, successful: false, reason };
}

/** `<node>:<param>`, as rosapi_node.py splits it (exactly one colon). */
export function splitName(name: unknown): { node: string; param: string } {
  if (typeof name !== 'string') throw new BridgeInputError("rosapi: 'name' must be a string");
  const parts = name.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new BridgeInputError(`Malformed parameter name: ${name}; expecting <node_name>:<param_name>`);
  const node = parts[0].startsWith('/') ? parts[0] : `/${parts[0]}`;
  return { node, param: parts[1] };
}

/** A parameter's value as rosapi's get_param dumps it to JSON. */
export function jsonOfParameter(value: ParameterValue): JsonValue {
  switch (value.type) {
    case 'not_set':
      return null;
    case 'integer':
      return Number(value.value);
    case 'byte_array':
      return Array.from(value.value);
    case 'integer_array':
      return value.value.map((v) => Number(v));
    case 'bool_array':
    case 'double_array':
    case 'string_array':
      return [...value.value];
    default:
      return value.value;
  }
}

const INTEGER = /^[-+]?(0|[1-9][0-9_]*)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * set_param's JSON text as a typed parameter value, as rosapi reads it: a JSON string stands for
 * its content, and the text is then typed as rclpy's get_parameter_value types it (YAML: bool,
 * integer, double, homogeneous lists; anything else a string).
 */
export function parameterOfJson(text: string): ParameterValueInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BridgeInputError(
      'Due to the type flexibility of the ROS parameter server, the value argument to set_param must be a JSON-formatted string.',
    );
  }
  if (typeof parsed === 'string') return scalarOfYaml(parsed);
  if (typeof parsed === 'boolean') return parsed;
  if (typeof parsed === 'number')
    return INTEGER.test(text.trim()) ? { type: 'integer', value: BigInt(text.trim()) } : parsed;
  if (Array.isArray(parsed)) {
    if (parsed.every((v) => typeof v === 'boolean'))
      return { type: 'bool_array', value: parsed as boolean[] };
    if (parsed.every((v) => typeof v === 'string'))
      return { type: 'string_array', value: parsed as string[] };
    if (parsed.every((v) => typeof v === 'number')) {
      // The JSON text tells 1 from 1.0 (JSON.parse does not); YAML types each element from it.
      const items = text
        .trim()
        .slice(1, -1)
        .split(',')
        .map((s) => s.trim());
      if (items.every((s) => INTEGER.test(s)))
        return { type: 'integer_array', value: items.map((s) => BigInt(s)) };
      if (items.every((s) => !INTEGER.test(s))) return { type: 'double_array', value: parsed as number[] };
    }
  }
  // Mixed lists, objects and null: YAML gives rclpy no parameter type, so the text is a string.
  return text;
}

/** A string's content as a YAML scalar: `true`, `42`, `4.2`, or the string itself. */
function scalarOfYaml(s: string): ParameterValueInput {
  const t = s.trim();
  if (/^(true|True|TRUE)$/.test(t)) return true;
  if (/^(false|False|FALSE)$/.test(t)) return false;
  if (INTEGER.test(t)) return { type: 'integer', value: BigInt(t.replaceAll('_', '')) };
  if (FLOAT.test(t) && /[.eE]/.test(t)) return Number(t.replaceAll('_', ''));
  return s;
}
