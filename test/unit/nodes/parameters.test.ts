import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../../src/cdr/index.js';
import {
  descriptorFromMsg,
  descriptorToMsg,
  InvalidParameterNameError,
  InvalidParameterTypeError,
  InvalidParameterValueError,
  PARAMETER_NOT_SET,
  ParameterAlreadyDeclaredError,
  type ParameterChangeEvent,
  ParameterImmutableError,
  ParameterModifiedInCallbackError,
  ParameterNotDeclaredError,
  ParameterStore,
  ParameterUninitializedError,
  parameterTypeOf,
  parameterValueFromMsg,
  parameterValuesEqual,
  parameterValueToMsg,
  plainParameterValue,
  toParameterValue,
  UnknownParameterTypeError,
} from '../../../src/nodes/parameters/index.js';

function recording(store: ParameterStore): ParameterChangeEvent[] {
  const events: ParameterChangeEvent[] = [];
  store.onChange((e) => events.push(e));
  return events;
}

const names = (ps: readonly { name: string }[]) => ps.map((p) => p.name);

describe('parameter values', () => {
  it('type plain JS values', () => {
    expect(toParameterValue(true)).toEqual({ type: 'bool', value: true });
    expect(toParameterValue(5n)).toEqual({ type: 'integer', value: 5n });
    expect(toParameterValue(5)).toEqual({ type: 'double', value: 5 });
    expect(toParameterValue('s')).toEqual({ type: 'string', value: 's' });
    expect(toParameterValue(null)).toBe(PARAMETER_NOT_SET);
    expect(toParameterValue(new Uint8Array([1, 2]))).toEqual({
      type: 'byte_array',
      value: new Uint8Array([1, 2]),
    });
    expect(toParameterValue([true, false])).toEqual({ type: 'bool_array', value: [true, false] });
    expect(toParameterValue([1n, 2n])).toEqual({ type: 'integer_array', value: [1n, 2n] });
    expect(toParameterValue(BigInt64Array.of(3n))).toEqual({ type: 'integer_array', value: [3n] });
    expect(toParameterValue([1.5, 2])).toEqual({ type: 'double_array', value: [1.5, 2] });
    expect(toParameterValue(Float64Array.of(0.5))).toEqual({ type: 'double_array', value: [0.5] });
    expect(toParameterValue(['a'])).toEqual({ type: 'string_array', value: ['a'] });
  });

  it('take tagged values, integers as safe numbers too, and refuse what is not one', () => {
    expect(toParameterValue({ type: 'integer', value: 7 })).toEqual({ type: 'integer', value: 7n });
    expect(toParameterValue({ type: 'integer_array', value: [1, 2n] })).toEqual({
      type: 'integer_array',
      value: [1n, 2n],
    });
    expect(toParameterValue({ type: 'byte_array', value: [255] }).type).toBe('byte_array');
    expect(toParameterValue({ type: 'string_array', value: [] })).toEqual({
      type: 'string_array',
      value: [],
    });
    expect(() => toParameterValue([])).toThrow(/empty array/);
    expect(() => toParameterValue([1, 'a'] as never)).toThrow(TypeError);
    expect(() => toParameterValue({ type: 'integer', value: 1.5 })).toThrow(TypeError);
    expect(() => toParameterValue(1n << 63n)).toThrow(RangeError);
    expect(() => toParameterValue({ type: 'byte_array', value: [256] })).toThrow(TypeError);
    expect(() => toParameterValue({ type: 'bool', value: 1 } as never)).toThrow(TypeError);
    expect(() => toParameterValue({ type: 'float', value: 1 } as never)).toThrow(/unknown parameter type/);
  });

  it('copy arrays so that the caller cannot change a stored value', () => {
    const arr = [1n, 2n];
    const bytes = new Uint8Array([1]);
    const store = new ParameterStore();
    store.declare('a', arr);
    store.declare('b', bytes);
    arr.push(3n);
    bytes[0] = 9;
    expect(store.get('a')).toEqual({ type: 'integer_array', value: [1n, 2n] });
    const got = store.get('b');
    expect(got).toEqual({ type: 'byte_array', value: new Uint8Array([1]) });
    (got as { value: Uint8Array }).value[0] = 7;
    expect(store.get('b')).toEqual({ type: 'byte_array', value: new Uint8Array([1]) });
  });

  it('convert to and from rcl_interfaces/msg/ParameterValue, through CDR', () => {
    const values = [
      PARAMETER_NOT_SET,
      toParameterValue(true),
      toParameterValue(-(1n << 63n)),
      toParameterValue(2.5),
      toParameterValue('hi'),
      toParameterValue(new Uint8Array([0, 255])),
      toParameterValue([true]),
      toParameterValue([1n, -1n]),
      toParameterValue([0.25]),
      toParameterValue(['x', 'y']),
    ];
    values.forEach((v, i) => {
      const msg = parameterValueToMsg(v);
      expect(msg.type).toBe(i);
      const wire = decode(
        'rcl_interfaces/msg/ParameterValue',
        encode('rcl_interfaces/msg/ParameterValue', msg),
      );
      const back = parameterValueFromMsg(wire);
      expect(parameterValuesEqual(back, v)).toBe(true);
    });
    expect(parameterValueToMsg(toParameterValue(5n))).toMatchObject({
      integer_value: 5n,
      bool_value: false,
      string_value: '',
    });
    expect(() => parameterValueFromMsg({ type: 10 })).toThrow(UnknownParameterTypeError);
    expect(() => parameterTypeOf(42)).toThrow(UnknownParameterTypeError);
    expect(plainParameterValue(toParameterValue(3n))).toBe(3n);
    expect(plainParameterValue(PARAMETER_NOT_SET)).toBeUndefined();
  });

  it('compare values by type and content', () => {
    expect(parameterValuesEqual(toParameterValue(1n), toParameterValue(1))).toBe(false);
    expect(parameterValuesEqual(toParameterValue(Number.NaN), toParameterValue(Number.NaN))).toBe(true);
    expect(parameterValuesEqual(toParameterValue(['a']), toParameterValue(['a']))).toBe(true);
    expect(parameterValuesEqual(toParameterValue(['a']), toParameterValue(['b']))).toBe(false);
  });
});

describe('ParameterStore.declare', () => {
  it('declare a statically typed parameter and report it as new', () => {
    const store = new ParameterStore();
    const events = recording(store);
    expect(store.declare('background_r', 69n)).toEqual({ type: 'integer', value: 69n });
    expect(store.has('background_r')).toBe(true);
    expect(store.get('background_r')).toEqual({ type: 'integer', value: 69n });
    expect(events).toEqual([
      {
        newParameters: [{ name: 'background_r', value: { type: 'integer', value: 69n } }],
        changedParameters: [],
        deletedParameters: [],
      },
    ]);
    const [d] = store.describe(['background_r']);
    expect(d).toEqual({
      name: 'background_r',
      type: 'integer',
      description: '',
      additionalConstraints: '',
      readOnly: false,
      dynamicTyping: false,
      integerRange: undefined,
      floatingPointRange: undefined,
    });
  });

  it('refuse an empty name, a second declaration, and a static parameter without a type', () => {
    const store = new ParameterStore();
    expect(() => store.declare('', 1n)).toThrow(InvalidParameterNameError);
    expect(() => store.declare('', 1n)).toThrow('parameter name must not be empty');
    store.declare('x', 1n);
    expect(() => store.declare('x', 2n)).toThrow(ParameterAlreadyDeclaredError);
    expect(() => store.declare('x', 2n)).toThrow("parameter 'x' has already been declared");
    expect(() => store.declare('y')).toThrow(InvalidParameterTypeError);
    expect(() => store.declare('y')).toThrow(
      "parameter 'y' has invalid type: cannot declare a statically typed parameter with an uninitialized value",
    );
    expect(() => store.declare('z', 'a', { type: 'integer' })).toThrow(InvalidParameterTypeError);
    expect(store.has('y')).toBe(false);
  });

  it('declare a typed parameter without a value: uninitialized until set', () => {
    const store = new ParameterStore();
    const events = recording(store);
    expect(store.declare('rate', undefined, { type: 'double' })).toBe(PARAMETER_NOT_SET);
    expect(events).toEqual([{ newParameters: [], changedParameters: [], deletedParameters: [] }]);
    expect(() => store.get('rate')).toThrow(ParameterUninitializedError);
    expect(() => store.get('rate')).toThrow("parameter 'rate' is not initialized");
    expect(store.types(['rate'])).toEqual(['not_set']);
    expect(store.describe(['rate'])[0]!.type).toBe('double');
    expect(store.setAtomically([{ name: 'rate', value: 1n }])).toEqual({
      successful: false,
      reason:
        'Wrong parameter type, parameter {rate} is of type {double}, setting it to {integer} is not allowed.',
    });
    expect(store.setAtomically([{ name: 'rate', value: 10 }]).successful).toBe(true);
    expect(store.get('rate')).toEqual({ type: 'double', value: 10 });
  });

  it('declare a dynamically typed parameter without a value: NOT_SET', () => {
    const store = new ParameterStore();
    store.declare('any', undefined, { dynamicTyping: true });
    expect(store.get('any')).toBe(PARAMETER_NOT_SET);
    expect(store.describe(['any'])[0]).toMatchObject({ type: 'not_set', dynamicTyping: true });
  });

  it('check the default value against the range and throw InvalidParameterValueError', () => {
    const store = new ParameterStore();
    expect(() => store.declare('r', 300n, { integerRange: { fromValue: 0, toValue: 255, step: 1 } })).toThrow(
      new InvalidParameterValueError('r', "Parameter {r} doesn't comply with integer range."),
    );
    expect(() => store.declare('r', 300n, { integerRange: { fromValue: 0, toValue: 255, step: 1 } })).toThrow(
      "parameter 'r' could not be set: Parameter {r} doesn't comply with integer range.",
    );
    expect(store.has('r')).toBe(false);
  });

  it('take an override over the default, unless told not to, and check its type', () => {
    const store = new ParameterStore({ overrides: { a: 5n, b: 'text', c: true } });
    expect(store.declare('a', 1n)).toEqual({ type: 'integer', value: 5n });
    expect(store.declare('c', false, {}, { ignoreOverride: true })).toEqual({ type: 'bool', value: false });
    expect(() => store.declare('b', 1n)).toThrow(
      "parameter 'b' has invalid type: Wrong parameter type, parameter {b} is of type {integer}, setting it to {string} is not allowed.",
    );
    const typed = new ParameterStore({ overrides: new Map([['t', 2.5]]) });
    expect(typed.declare('t', undefined, { type: 'double' })).toEqual({ type: 'double', value: 2.5 });
  });

  it('declare every override not yet declared, dynamically typed', () => {
    const store = new ParameterStore({ overrides: { a: 5n, b: 'x' } });
    store.declare('a', 1n);
    store.declareFromOverrides();
    expect(store.get('b')).toEqual({ type: 'string', value: 'x' });
    expect(store.describe(['a', 'b']).map((d) => d.dynamicTyping)).toEqual([false, true]);
  });

  it('run the on-set callbacks on the initial value', () => {
    const store = new ParameterStore();
    const seen: string[] = [];
    store.onSetParameters((ps) => {
      seen.push(...names(ps));
      return { successful: ps[0]!.name !== 'bad', reason: 'no bad names' };
    });
    store.declare('good', 1n);
    expect(() => store.declare('bad', 1n)).toThrow("parameter 'bad' could not be set: no bad names");
    expect(seen).toEqual(['good', 'bad']);
  });
});

describe('ParameterStore.set and setAtomically', () => {
  it('set each parameter on its own, with rclcpp reasons', () => {
    const store = new ParameterStore();
    store.declare('i', 1n);
    store.declare('ro', 'fixed', { readOnly: true });
    const events = recording(store);
    expect(
      store.set([
        { name: 'i', value: 2n },
        { name: 'ro', value: 'changed' },
        { name: 'nope', value: 1n },
        { name: 'i', value: 'str' },
        { name: '', value: 1n },
      ]),
    ).toEqual([
      { successful: true, reason: '' },
      { successful: false, reason: "parameter 'ro' cannot be set because it is read-only" },
      { successful: false, reason: "parameter 'nope' cannot be set because it was not declared" },
      {
        successful: false,
        reason:
          'Wrong parameter type, parameter {i} is of type {integer}, setting it to {string} is not allowed.',
      },
      { successful: false, reason: 'parameter name must not be empty' },
    ]);
    expect(store.get('i')).toEqual({ type: 'integer', value: 2n });
    expect(events).toEqual([
      {
        newParameters: [],
        changedParameters: [{ name: 'i', value: { type: 'integer', value: 2n } }],
        deletedParameters: [],
      },
    ]);
  });

  it('set all or nothing atomically', () => {
    const store = new ParameterStore();
    store.declare('a', 1n);
    store.declare('b', 'x');
    const events = recording(store);
    expect(
      store.setAtomically([
        { name: 'a', value: 2n },
        { name: 'b', value: 3n },
      ]),
    ).toEqual({
      successful: false,
      reason:
        'Wrong parameter type, parameter {b} is of type {string}, setting it to {integer} is not allowed.',
    });
    expect(store.get('a')).toEqual({ type: 'integer', value: 1n });
    expect(
      store.setAtomically([
        { name: 'a', value: 2n },
        { name: 'zzz', value: 1n },
      ]),
    ).toEqual({
      successful: false,
      reason: 'One or more parameters were not declared before setting',
    });
    expect(store.setAtomically([])).toEqual({
      successful: false,
      reason:
        'parameter list cannot be empty, this might be due to pre_set_parameters_callback modifying the original parameters list.',
    });
    expect(events).toEqual([]);
    expect(
      store.setAtomically([
        { name: 'a', value: 2n },
        { name: 'b', value: 'y' },
      ]),
    ).toEqual({ successful: true, reason: '' });
    expect(events).toHaveLength(1);
    expect(names(events[0]!.changedParameters)).toEqual(['a', 'b']);
  });

  it('let a dynamically typed parameter change type, and track it in the descriptor', () => {
    const store = new ParameterStore();
    store.declare('d', 1n, { dynamicTyping: true });
    expect(store.set([{ name: 'd', value: 'now a string' }])[0]!.successful).toBe(true);
    expect(store.describe(['d'])[0]!.type).toBe('string');
    expect(store.types(['d'])).toEqual(['string']);
  });

  it('undeclare a dynamically typed parameter set to NOT_SET, and refuse that for a static one', () => {
    const store = new ParameterStore();
    store.declare('dyn', 1n, { dynamicTyping: true });
    store.declare('stat', 1n);
    const events = recording(store);
    expect(store.set([{ name: 'stat', value: null }])).toEqual([
      { successful: false, reason: 'cannot undeclare a statically typed parameter' },
    ]);
    expect(store.set([{ name: 'dyn', value: null }])).toEqual([{ successful: true, reason: '' }]);
    expect(store.has('dyn')).toBe(false);
    expect(events).toEqual([
      {
        newParameters: [],
        changedParameters: [],
        deletedParameters: [{ name: 'dyn', value: PARAMETER_NOT_SET }],
      },
    ]);
  });

  it('check integer ranges with their step, inclusive of both ends', () => {
    const store = new ParameterStore();
    store.declare('i', 0n, { integerRange: { fromValue: 0n, toValue: 10n, step: 3n } });
    const ok = (v: bigint) => store.set([{ name: 'i', value: v }])[0]!;
    expect(ok(3n).successful).toBe(true);
    expect(ok(9n).successful).toBe(true);
    expect(ok(10n).successful).toBe(true); // the upper end, though not on a step
    expect(ok(4n)).toEqual({ successful: false, reason: "Parameter {i} doesn't comply with integer range." });
    expect(ok(11n).successful).toBe(false);
    expect(ok(-1n).successful).toBe(false);
    store.declare('any', 5n, { integerRange: { fromValue: -5, toValue: 5 } });
    expect(store.set([{ name: 'any', value: -3n }])[0]!.successful).toBe(true);
  });

  it('check floating point ranges with their step, within 100 ulp', () => {
    const store = new ParameterStore();
    store.declare('f', 0, { floatingPointRange: { fromValue: 0, toValue: 1, step: 0.1 } });
    const set = (v: number) => store.set([{ name: 'f', value: v }])[0]!;
    expect(set(0.3).successful).toBe(true); // 0.1 * 3 is not 0.3 exactly
    expect(set(1).successful).toBe(true);
    expect(set(1 + 1e-15).successful).toBe(true); // equal to the upper end within 100 ulp
    expect(set(0.35)).toEqual({
      successful: false,
      reason: "Parameter {f} doesn't comply with floating point range.",
    });
    expect(set(1.1).successful).toBe(false);
    expect(set(-0.1).successful).toBe(false);
    store.declare('g', -1, { floatingPointRange: { fromValue: -1, toValue: 1 } });
    expect(store.set([{ name: 'g', value: 0.123 }])[0]!.successful).toBe(true);
  });

  it('ignore a range of the other numeric type', () => {
    const store = new ParameterStore();
    store.declare('x', 100n, { floatingPointRange: { fromValue: 0, toValue: 1 }, dynamicTyping: true });
    expect(store.set([{ name: 'x', value: 5 }])[0]!.successful).toBe(false);
    expect(store.set([{ name: 'x', value: 500n }])[0]!.successful).toBe(true);
  });

  it('call on-set callbacks last added first, stop at the first rejection, and remove them', () => {
    const store = new ParameterStore();
    store.declare('p', 1n);
    const calls: string[] = [];
    const removeFirst = store.onSetParameters(() => {
      calls.push('first');
      return { successful: false, reason: 'first says no' };
    });
    store.onSetParameters((ps) => {
      calls.push('second');
      return { successful: ps[0]!.value.type === 'integer' && ps[0]!.value.value < 10n, reason: 'too big' };
    });
    expect(store.set([{ name: 'p', value: 11n }])).toEqual([{ successful: false, reason: 'too big' }]);
    expect(calls).toEqual(['second']);
    expect(store.set([{ name: 'p', value: 2n }])).toEqual([{ successful: false, reason: 'first says no' }]);
    expect(calls).toEqual(['second', 'second', 'first']);
    removeFirst();
    expect(store.set([{ name: 'p', value: 2n }])).toEqual([{ successful: true, reason: 'too big' }]);
    expect(store.get('p')).toEqual({ type: 'integer', value: 2n });
  });

  it('refuse changes from inside a callback or listener', () => {
    const store = new ParameterStore();
    store.declare('p', 1n);
    store.onSetParameters(() => {
      store.declare('q', 1n);
      return { successful: true };
    });
    expect(() => store.set([{ name: 'p', value: 2n }])).toThrow(ParameterModifiedInCallbackError);
    expect(() => store.set([{ name: 'p', value: 2n }])).toThrow(
      'cannot set or declare a parameter, or change the callback from within set callback',
    );
    const other = new ParameterStore();
    other.declare('p', 1n);
    other.onChange(() => other.set([{ name: 'p', value: 3n }]));
    expect(() => other.set([{ name: 'p', value: 2n }])).toThrow(ParameterModifiedInCallbackError);
    expect(other.get('p')).toEqual({ type: 'integer', value: 2n }); // the outer set happened
  });

  it('hand listener errors to onListenerError when given', () => {
    const errors: unknown[] = [];
    const store = new ParameterStore({ onListenerError: (e) => errors.push(e) });
    const seen: number[] = [];
    store.onChange(() => {
      throw new Error('listener broke');
    });
    store.onChange(() => seen.push(1));
    store.declare('p', 1n);
    expect(errors).toHaveLength(1);
    expect(seen).toEqual([1]);
  });
});

describe('ParameterStore with undeclared parameters allowed', () => {
  it('declare implicitly on set, dynamically typed, as new parameters', () => {
    const store = new ParameterStore({ allowUndeclared: true });
    store.declare('known', 1n);
    const events = recording(store);
    expect(
      store.setAtomically([
        { name: 'known', value: 2n },
        { name: 'fresh', value: 'hi' },
      ]),
    ).toEqual({ successful: true, reason: '' });
    expect(events).toEqual([
      {
        newParameters: [{ name: 'fresh', value: { type: 'string', value: 'hi' } }],
        changedParameters: [{ name: 'known', value: { type: 'integer', value: 2n } }],
        deletedParameters: [],
      },
    ]);
    expect(store.describe(['fresh'])[0]).toMatchObject({
      name: 'fresh',
      type: 'string',
      dynamicTyping: true,
    });
    expect(store.set([{ name: 'fresh', value: 3n }])[0]!.successful).toBe(true);
  });

  it('answer get, describe and types for unknown names', () => {
    const store = new ParameterStore({ allowUndeclared: true });
    expect(store.get('ghost')).toBe(PARAMETER_NOT_SET);
    expect(store.types(['ghost'])).toEqual(['not_set']);
    expect(store.describe(['ghost'])[0]).toMatchObject({
      name: 'ghost',
      type: 'not_set',
      dynamicTyping: false,
    });
  });

  it('not declare anything when the callback rejects the set', () => {
    const store = new ParameterStore({ allowUndeclared: true });
    store.onSetParameters(() => ({ successful: false, reason: 'no' }));
    expect(store.setAtomically([{ name: 'fresh', value: 1n }])).toEqual({ successful: false, reason: 'no' });
    expect(store.has('fresh')).toBe(false);
  });
});

describe('ParameterStore reads', () => {
  it('throw ParameterNotDeclaredError for unknown names', () => {
    const store = new ParameterStore();
    expect(() => store.get('nope')).toThrow(ParameterNotDeclaredError);
    expect(() => store.describe(['nope'])).toThrow(ParameterNotDeclaredError);
    expect(() => store.types(['nope'])).toThrow(ParameterNotDeclaredError);
    store.declare('a', 1n);
    expect(() => store.getParameters(['a', 'nope'])).toThrow(ParameterNotDeclaredError);
    expect(store.getParameters(['a'])).toEqual([{ name: 'a', value: { type: 'integer', value: 1n } }]);
  });

  it('describe with the ranges and flags, to and from the message', () => {
    const store = new ParameterStore();
    store.declare('background_b', 255n, {
      description: 'blue',
      additionalConstraints: '0..255',
      integerRange: { fromValue: 0, toValue: 255, step: 1 },
    });
    const d = store.describe(['background_b'])[0]!;
    const msg = descriptorToMsg(d);
    expect(msg).toEqual({
      name: 'background_b',
      type: 2,
      description: 'blue',
      additional_constraints: '0..255',
      read_only: false,
      dynamic_typing: false,
      floating_point_range: [],
      integer_range: [{ from_value: 0n, to_value: 255n, step: 1n }],
    });
    const wire = decode(
      'rcl_interfaces/msg/ParameterDescriptor',
      encode('rcl_interfaces/msg/ParameterDescriptor', msg),
    );
    expect(descriptorFromMsg(wire)).toEqual(d);
  });
});

describe('ParameterStore.undeclare', () => {
  it('undeclare a dynamically typed parameter, reported as deleted', () => {
    const store = new ParameterStore();
    store.declare('d', 1n, { dynamicTyping: true });
    const events = recording(store);
    store.undeclare('d');
    expect(store.has('d')).toBe(false);
    expect(events).toEqual([
      {
        newParameters: [],
        changedParameters: [],
        deletedParameters: [{ name: 'd', value: PARAMETER_NOT_SET }],
      },
    ]);
  });

  it('refuse unknown, read-only and statically typed parameters', () => {
    const store = new ParameterStore();
    store.declare('ro', 1n, { readOnly: true, dynamicTyping: true });
    store.declare('s', 1n);
    expect(() => store.undeclare('nope')).toThrow(
      new ParameterNotDeclaredError(
        'nope',
        "cannot undeclare parameter 'nope' which has not yet been declared",
      ),
    );
    expect(() => store.undeclare('nope')).toThrow(ParameterNotDeclaredError);
    expect(() => store.undeclare('ro')).toThrow(ParameterImmutableError);
    expect(() => store.undeclare('ro')).toThrow("cannot undeclare parameter 'ro' because it is read-only");
    expect(() => store.undeclare('s')).toThrow(
      "parameter 's' has invalid type: cannot undeclare a statically typed parameter",
    );
    expect(store.has('ro') && store.has('s')).toBe(true);
  });
});

describe('ParameterStore.list', () => {
  const store = new ParameterStore();
  for (const name of ['use_sim_time', 'b.x', 'a.b.c', 'a.b', 'a', 'a.c.d.e', 'ab.c']) {
    store.declare(name, 1n);
  }

  it('list every name recursively, in byte order, with the prefixes', () => {
    expect(store.list()).toEqual({
      names: ['a', 'a.b', 'a.b.c', 'a.c.d.e', 'ab.c', 'b.x', 'use_sim_time'],
      prefixes: ['a', 'a.b', 'a.c.d', 'ab', 'b'],
    });
    expect(store.list([], 0n)).toEqual(store.list());
  });

  it('limit names by their number of dots without prefixes', () => {
    expect(store.list([], 1).names).toEqual(['a', 'use_sim_time']);
    expect(store.list([], 2)).toEqual({
      names: ['a', 'a.b', 'ab.c', 'b.x', 'use_sim_time'],
      prefixes: ['a', 'ab', 'b'],
    });
  });

  it('match a prefix itself and the names under `prefix.`, at any depth or fewer dots than depth', () => {
    expect(store.list(['a'], 0).names).toEqual(['a', 'a.b', 'a.b.c', 'a.c.d.e']);
    expect(store.list(['a'], 1).names).toEqual(['a', 'a.b']);
    expect(store.list(['a'], 2).names).toEqual(['a', 'a.b', 'a.b.c']);
    expect(store.list(['a.b'], 1)).toEqual({ names: ['a.b', 'a.b.c'], prefixes: ['a', 'a.b'] });
    expect(store.list(['ab', 'b'], 0).names).toEqual(['ab.c', 'b.x']);
    expect(store.list(['zzz'], 0)).toEqual({ names: [], prefixes: [] });
  });
});
