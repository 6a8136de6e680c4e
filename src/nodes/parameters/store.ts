/**
 * A node's parameters, as rclcpp's NodeParameters keeps them (`node_parameters.cpp`, Jazzy):
 * declaration with a descriptor, static or dynamic typing, read-only parameters, integer and
 * floating point ranges with a step, on-set validation callbacks, atomic sets, implicit
 * declaration when undeclared parameters are allowed, undeclaration by setting NOT_SET, and
 * list/describe/types with rclcpp's semantics and its reason strings (they travel in
 * SetParametersResult.reason, so they are kept word for word).
 *
 * No sockets: `services.ts` serves the store on the ROS graph and publishes its changes on
 * `/parameter_events`. Values are typed as values.ts says.
 */
import {
  checkParameters,
  fail,
  type MutableDescriptor,
  makeDescriptor,
  OK,
  type ParameterDescriptor,
  type ParameterDescriptorInput,
  type SetParametersResult,
  TYPE_REASON_START,
} from './descriptors.js';
import {
  InvalidParameterNameError,
  InvalidParameterTypeError,
  InvalidParameterValueError,
  ParameterAlreadyDeclaredError,
  ParameterImmutableError,
  ParameterModifiedInCallbackError,
  ParameterNotDeclaredError,
  ParameterUninitializedError,
} from './errors.js';
import {
  copyOut,
  PARAMETER_NOT_SET,
  type Parameter,
  type ParameterInput,
  type ParameterTypeName,
  type ParameterValue,
  type ParameterValueInput,
  parameterTypeToString,
  toParameterValue,
} from './values.js';

/** ListParameters's DEPTH_RECURSIVE. */
export const DEPTH_RECURSIVE = 0;

/** What an on-set callback returns (rclcpp's add_on_set_parameters_callback). */
export interface SetParametersResultInput {
  readonly successful: boolean;
  readonly reason?: string;
}

/** Validates a set before it is applied; the first unsuccessful result rejects it. */
export type OnSetParametersCallback = (parameters: readonly Parameter[]) => SetParametersResultInput;

/** What a successful declare, set or undeclare changed: a ParameterEvent's content. */
export interface ParameterChangeEvent {
  readonly newParameters: readonly Parameter[];
  readonly changedParameters: readonly Parameter[];
  readonly deletedParameters: readonly Parameter[];
}

export type ParameterChangeListener = (event: ParameterChangeEvent) => void;

export interface ListParametersResult {
  readonly names: string[];
  readonly prefixes: string[];
}

const dots = (s: string) => s.split('.').length - 1;

/** Byte order of the UTF-8 names, as rclcpp's std::map<std::string, …> iterates them. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

interface Info {
  value: ParameterValue;
  descriptor: MutableDescriptor;
}

export interface ParameterStoreOptions {
  /** Set implicitly declares unknown parameters (dynamically typed); get/describe/types answer for them. Default false, as rclcpp. */
  readonly allowUndeclared?: boolean;
  /** Initial values that win over declared defaults (rclcpp's parameter overrides, `-p name:=value`). */
  readonly overrides?: Iterable<readonly [string, ParameterValueInput]> | Record<string, ParameterValueInput>;
  /**
   * Where an exception thrown by a change listener goes. By default the first one is rethrown by
   * the declare/set/undeclare that caused it, after every listener has run.
   */
  readonly onListenerError?: (error: unknown) => void;
}

export interface DeclareOptions {
  /** Use the default value even if an override exists. */
  readonly ignoreOverride?: boolean;
}

const NOT_DECLARED_ATOMIC = 'One or more parameters were not declared before setting';
const EMPTY_LIST =
  'parameter list cannot be empty, this might be due to pre_set_parameters_callback modifying the original parameters list.';

export class ParameterStore {
  readonly allowUndeclared: boolean;
  private readonly params = new Map<string, Info>();
  private readonly overrides = new Map<string, ParameterValue>();
  /** Last added first, as rclcpp calls them. */
  private onSetCallbacks: OnSetParametersCallback[] = [];
  private readonly listeners = new Set<ParameterChangeListener>();
  private busy = false;

  constructor(private readonly options: ParameterStoreOptions = {}) {
    this.allowUndeclared = options.allowUndeclared ?? false;
    const o = options.overrides;
    if (o) {
      const entries =
        Symbol.iterator in o ? [...(o as Iterable<[string, ParameterValueInput]>)] : Object.entries(o);
      for (const [name, v] of entries) this.overrides.set(name, toParameterValue(v));
    }
  }

  /**
   * Declares a parameter with its initial value: the override for `name` if any (unless
   * `ignoreOverride`), else `defaultValue`. Returns that value. The value is checked against the
   * descriptor (type, range) and the on-set callbacks, and listeners get it in `newParameters`.
   *
   * Statically typed (the default): the type is the default value's, or `descriptor.type` when
   * no default is given (the parameter is then uninitialized until set: `get` throws
   * ParameterUninitializedError). Throws InvalidParameterNameError, ParameterAlreadyDeclaredError,
   * InvalidParameterTypeError (no type, descriptor type ≠ default's type, override of another
   * type), InvalidParameterValueError (out of range, rejected by a callback).
   */
  declare(
    name: string,
    defaultValue?: ParameterValueInput,
    descriptor: ParameterDescriptorInput = {},
    options: DeclareOptions = {},
  ): ParameterValue {
    return this.mutate(() => {
      if (name === '') throw new InvalidParameterNameError(name);
      if (this.params.has(name)) throw new ParameterAlreadyDeclaredError(name);
      const d = makeDescriptor(name, descriptor);
      const def = defaultValue === undefined ? PARAMETER_NOT_SET : toParameterValue(defaultValue);
      if (d.dynamicTyping) {
        d.type = 'not_set';
      } else {
        if (
          descriptor.type &&
          descriptor.type !== 'not_set' &&
          def.type !== 'not_set' &&
          descriptor.type !== def.type
        ) {
          throw new InvalidParameterTypeError(
            name,
            `the descriptor's type {${parameterTypeToString(descriptor.type)}} is not the default value's type {${parameterTypeToString(def.type)}}`,
          );
        }
        d.type = def.type !== 'not_set' ? def.type : (descriptor.type ?? 'not_set');
        if (d.type === 'not_set') {
          throw new InvalidParameterTypeError(
            name,
            'cannot declare a statically typed parameter with an uninitialized value',
          );
        }
      }
      const initial = (!options.ignoreOverride && this.overrides.get(name)) || def;
      const info: Info = { value: PARAMETER_NOT_SET, descriptor: d };
      const newParameters: Parameter[] = [];
      if (initial.type !== 'not_set') {
        const p: Parameter = { name, value: initial };
        let r = checkParameters([p], () => d);
        if (r.successful) r = this.runOnSetCallbacks([p]);
        if (!r.successful) {
          if (r.reason.startsWith(TYPE_REASON_START)) throw new InvalidParameterTypeError(name, r.reason);
          throw new InvalidParameterValueError(name, r.reason);
        }
        info.value = initial;
        d.type = initial.type;
        newParameters.push(p);
      }
      this.params.set(name, info);
      // rclcpp publishes the event even when it is empty (declared without a value).
      this.emit({ newParameters, changedParameters: [], deletedParameters: [] });
      return copyOut(info.value);
    });
  }

  /** Declares every override not declared yet, dynamically typed (rclcpp's automatically_declare_parameters_from_overrides). */
  declareFromOverrides(): void {
    for (const [name, value] of this.overrides) {
      if (!this.has(name)) this.declare(name, value, { dynamicTyping: true }, { ignoreOverride: true });
    }
  }

  /**
   * Removes a parameter; listeners get it in `deletedParameters` (with a NOT_SET value, as when
   * it is undeclared by a set). Throws ParameterNotDeclaredError, ParameterImmutableError
   * (read-only), InvalidParameterTypeError (statically typed).
   */
  undeclare(name: string): void {
    this.mutate(() => {
      const info = this.params.get(name);
      if (!info) {
        throw new ParameterNotDeclaredError(
          name,
          `cannot undeclare parameter '${name}' which has not yet been declared`,
        );
      }
      if (info.descriptor.readOnly) {
        throw new ParameterImmutableError(
          `cannot undeclare parameter '${name}' because it is read-only`,
          name,
        );
      }
      if (!info.descriptor.dynamicTyping) {
        throw new InvalidParameterTypeError(name, 'cannot undeclare a statically typed parameter');
      }
      this.params.delete(name);
      this.emit({
        newParameters: [],
        changedParameters: [],
        deletedParameters: [{ name, value: PARAMETER_NOT_SET }],
      });
    });
  }

  has(name: string): boolean {
    return this.params.has(name);
  }

  /**
   * The value of a parameter: NOT_SET for a dynamically typed one without a value, and for any
   * undeclared name if undeclared parameters are allowed. Throws ParameterNotDeclaredError,
   * ParameterUninitializedError (statically typed, declared without a value, never set).
   */
  get(name: string): ParameterValue {
    const info = this.params.get(name);
    if (info) {
      if (info.value.type !== 'not_set' || info.descriptor.dynamicTyping) return copyOut(info.value);
      throw new ParameterUninitializedError(name);
    }
    if (this.allowUndeclared) return PARAMETER_NOT_SET;
    throw new ParameterNotDeclaredError(name);
  }

  /** `get` of each name; throws on the first that `get` throws for. */
  getParameters(names: readonly string[]): Parameter[] {
    return names.map((name) => ({ name, value: this.get(name) }));
  }

  /**
   * Descriptors by name. An undeclared name throws ParameterNotDeclaredError, or, with
   * `allowUndeclared`, gets a default descriptor (type not set).
   */
  describe(names: readonly string[]): ParameterDescriptor[] {
    return names.map((name) => {
      const info = this.params.get(name);
      if (info) return Object.freeze({ ...info.descriptor });
      if (this.allowUndeclared) return Object.freeze(makeDescriptor(name));
      throw new ParameterNotDeclaredError(name);
    });
  }

  /** The current value's type by name (`not_set` for an uninitialized one); undeclared names as in `describe`. */
  types(names: readonly string[]): ParameterTypeName[] {
    return names.map((name) => {
      const info = this.params.get(name);
      if (info) return info.value.type;
      if (this.allowUndeclared) return 'not_set';
      throw new ParameterNotDeclaredError(name);
    });
  }

  /**
   * rclcpp's list_parameters, with `.` separating name levels. No prefixes and depth 0
   * (DEPTH_RECURSIVE): every name. No prefixes and depth n: names with fewer than n dots. With
   * prefixes: a name equal to a prefix, or under `prefix.` with fewer than `depth` dots after it
   * (any number for depth 0). `prefixes` of the result: each listed name's part before its last
   * dot, once, in order. Names come in byte order.
   */
  list(prefixes: readonly string[] = [], depth: number | bigint = DEPTH_RECURSIVE): ListParametersResult {
    const d = BigInt(depth);
    const fewerDotsThanDepth = (s: string) => BigInt(dots(s)) < d;
    const recursive = prefixes.length === 0 && d === 0n;
    const result: ListParametersResult = { names: [], prefixes: [] };
    for (const name of [...this.params.keys()].sort(byteOrder)) {
      if (!recursive && !(prefixes.length === 0 && fewerDotsThanDepth(name))) {
        const matches = prefixes.some((prefix) => {
          if (name === prefix) return true;
          if (!name.startsWith(`${prefix}.`)) return false;
          return d === 0n || fewerDotsThanDepth(name.slice(prefix.length + 1));
        });
        if (!matches) continue;
      }
      result.names.push(name);
      const last = name.lastIndexOf('.');
      if (last >= 0) {
        const prefix = name.slice(0, last);
        if (!result.prefixes.includes(prefix)) result.prefixes.push(prefix);
      }
    }
    return result;
  }

  /**
   * Sets each parameter on its own (one atomic set each), as the set_parameters service does:
   * one result per parameter, in order. An undeclared parameter (undeclared ones not allowed)
   * fails with rclcpp's reason `parameter 'x' cannot be set because it was not declared`.
   */
  set(parameters: readonly ParameterInput[]): SetParametersResult[] {
    const parsed = parameters.map((p) => ({ name: p.name, value: toParameterValue(p.value) }));
    return parsed.map((p) =>
      this.mutate(() =>
        this.setLocked([p], `parameter '${p.name}' cannot be set because it was not declared`),
      ),
    );
  }

  /**
   * Sets all the parameters or none, as rclcpp's set_parameters_atomically: fails on an empty list,
   * an empty name, an undeclared parameter (reason `One or more parameters were not declared
   * before setting`, the service's), a read-only one, a statically typed one set to NOT_SET (which
   * undeclares a dynamically typed one), a wrong type, a value out of range, or a callback's
   * rejection; the first failure's reason is returned. On success listeners get the implicitly
   * declared parameters as new, the undeclared ones as deleted, the others as changed.
   */
  setAtomically(parameters: readonly ParameterInput[]): SetParametersResult {
    const parsed = parameters.map((p) => ({ name: p.name, value: toParameterValue(p.value) }));
    return this.mutate(() => this.setLocked(parsed, NOT_DECLARED_ATOMIC));
  }

  /**
   * Adds a validation callback, called with every set (and declaration's initial value) before it
   * is applied; the last added is called first, and the first unsuccessful result rejects the set
   * with its reason. Returns the function that removes it. An exception thrown by a callback
   * propagates out of the set or declare.
   */
  onSetParameters(callback: OnSetParametersCallback): () => void {
    this.mutate(() => {
      this.onSetCallbacks = [callback, ...this.onSetCallbacks];
    });
    return () => {
      this.mutate(() => {
        this.onSetCallbacks = this.onSetCallbacks.filter((c) => c !== callback);
      });
    };
  }

  /** Calls `listener` after each successful declare, set and undeclare. Returns the function that removes it. */
  onChange(listener: ParameterChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private setLocked(params: readonly Parameter[], notDeclaredReason: string): SetParametersResult {
    if (params.length === 0) return fail(EMPTY_LIST);
    const toDeclare: Parameter[] = [];
    for (const p of params) {
      if (p.name === '') return fail('parameter name must not be empty');
      const info = this.params.get(p.name);
      if (!info) {
        if (!this.allowUndeclared) return fail(notDeclaredReason);
        toDeclare.push(p);
        continue;
      }
      if (info.descriptor.readOnly)
        return fail(`parameter '${p.name}' cannot be set because it is read-only`);
    }
    // Implicit declarations: dynamically typed, no override, no callback but the one below.
    const staged = new Map<string, Info>();
    const newParameters: Parameter[] = [];
    for (const p of toDeclare) {
      const descriptor = makeDescriptor(p.name, { dynamicTyping: true });
      descriptor.type = p.value.type;
      staged.set(p.name, { value: p.value, descriptor });
      if (p.value.type !== 'not_set') newParameters.push(p);
    }
    const toUndeclare = new Set<string>();
    for (const p of params) {
      if (p.value.type !== 'not_set') continue;
      const info = this.params.get(p.name);
      if (info && info.value.type !== 'not_set') {
        if (!info.descriptor.dynamicTyping) return fail('cannot undeclare a statically typed parameter');
        toUndeclare.add(p.name);
      }
    }
    const checked = checkParameters(
      params,
      (name) => this.params.get(name)?.descriptor ?? makeDescriptor(name, { dynamicTyping: true }),
    );
    if (!checked.successful) return checked;
    const result = this.runOnSetCallbacks(params);
    if (!result.successful) return result;
    for (const p of params) {
      const info = this.params.get(p.name) ?? staged.get(p.name)!;
      info.value = p.value;
      info.descriptor.type = p.value.type;
      this.params.set(p.name, info);
    }
    const deletedParameters: Parameter[] = [];
    for (const name of toUndeclare) {
      this.params.delete(name);
      deletedParameters.push({ name, value: PARAMETER_NOT_SET });
    }
    const changedParameters = params.filter((p) => !staged.has(p.name) && !toUndeclare.has(p.name));
    this.emit({ newParameters, changedParameters, deletedParameters });
    return result;
  }

  private runOnSetCallbacks(params: readonly Parameter[]): SetParametersResult {
    let result: SetParametersResult = OK;
    for (const callback of this.onSetCallbacks) {
      const r = callback(params);
      result = { successful: r.successful === true, reason: r.reason ?? '' };
      if (!result.successful) return result;
    }
    return result;
  }

  private emit(event: ParameterChangeEvent): void {
    const errors: unknown[] = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        if (this.options.onListenerError) this.options.onListenerError(error);
        else errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }

  /** rclcpp's ParameterMutationRecursionGuard: no mutation from inside a callback or listener. */
  private mutate<T>(fn: () => T): T {
    if (this.busy) throw new ParameterModifiedInCallbackError();
    this.busy = true;
    try {
      return fn();
    } finally {
      this.busy = false;
    }
  }
}
