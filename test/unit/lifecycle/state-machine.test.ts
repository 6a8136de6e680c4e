/**
 * The managed-node state machine alone: every transition from every state with rcl's ids, labels
 * and goals (written out here from rcl_lifecycle's default_state_machine.c), and the ways out of a
 * transition state for each callback outcome, errorprocessing included.
 */
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../../src/lifecycle/errors.js';
import { type CallbackResult, LifecycleStateMachine } from '../../../src/lifecycle/state-machine.js';
import {
  LIFECYCLE_STATES,
  LIFECYCLE_TRANSITIONS,
  type LifecycleState,
  type LifecycleTransition,
} from '../../../src/lifecycle/states.js';

/** state label -> [transition id, transition label, goal label] leaving it, in rcl's order. */
const EXPECTED: Record<string, [number, string, string][]> = {
  unknown: [],
  unconfigured: [
    [1, 'configure', 'configuring'],
    [5, 'shutdown', 'shuttingdown'],
  ],
  inactive: [
    [2, 'cleanup', 'cleaningup'],
    [3, 'activate', 'activating'],
    [6, 'shutdown', 'shuttingdown'],
  ],
  active: [
    [4, 'deactivate', 'deactivating'],
    [7, 'shutdown', 'shuttingdown'],
  ],
  finalized: [],
  configuring: [
    [10, 'transition_success', 'inactive'],
    [11, 'transition_failure', 'unconfigured'],
    [12, 'transition_error', 'errorprocessing'],
  ],
  cleaningup: [
    [20, 'transition_success', 'unconfigured'],
    [21, 'transition_failure', 'inactive'],
    [22, 'transition_error', 'errorprocessing'],
  ],
  shuttingdown: [
    [50, 'transition_success', 'finalized'],
    [51, 'transition_failure', 'finalized'],
    [52, 'transition_error', 'errorprocessing'],
  ],
  activating: [
    [30, 'transition_success', 'active'],
    [31, 'transition_failure', 'inactive'],
    [32, 'transition_error', 'errorprocessing'],
  ],
  deactivating: [
    [40, 'transition_success', 'inactive'],
    [41, 'transition_failure', 'active'],
    [42, 'transition_error', 'errorprocessing'],
  ],
  errorprocessing: [
    [60, 'transition_success', 'unconfigured'],
    [61, 'transition_failure', 'finalized'],
    [62, 'transition_error', 'finalized'],
  ],
};

const STATE_IDS: Record<string, number> = {
  unknown: 0,
  unconfigured: 1,
  inactive: 2,
  active: 3,
  finalized: 4,
  configuring: 10,
  cleaningup: 11,
  shuttingdown: 12,
  activating: 13,
  deactivating: 14,
  errorprocessing: 15,
};

const ALL_TRANSITION_IDS = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62, 97, 98,
  99,
];

/** A machine put in `state` by replaying the steps that reach it. */
function machineIn(label: string, steps: LifecycleTransition[] = []): LifecycleStateMachine {
  const m = new LifecycleStateMachine(
    () => 'success',
    (t) => steps.push(t),
  );
  const paths: Record<string, (number | string)[]> = {
    unconfigured: [],
    configuring: [1],
    inactive: [1, 10],
    cleaningup: [1, 10, 2],
    activating: [1, 10, 3],
    active: [1, 10, 3, 30],
    deactivating: [1, 10, 3, 30, 4],
    shuttingdown: [5],
    finalized: [5, 50],
    errorprocessing: [1, 12],
  };
  for (const s of paths[label] ?? []) m.trigger(s);
  steps.length = 0;
  return m;
}

describe('states and transitions', () => {
  it('has rcl ids and labels for every state, primary ones first', () => {
    expect(LIFECYCLE_STATES.map((s) => [s.label, s.id])).toEqual(Object.entries(STATE_IDS));
  });

  it('registers the 25 transitions of the default state machine', () => {
    const flat = Object.entries(EXPECTED).flatMap(([start, ts]) => ts.map(([id]) => `${start}:${id}`));
    expect(LIFECYCLE_TRANSITIONS.map((t) => `${t.start.label}:${t.id}`).sort()).toEqual(flat.sort());
    expect(LIFECYCLE_TRANSITIONS).toHaveLength(25);
    for (const t of LIFECYCLE_TRANSITIONS) {
      expect(t.start.id).toBe(STATE_IDS[t.start.label]);
      expect(t.goal.id).toBe(STATE_IDS[t.goal.label]);
    }
  });

  for (const [label, expected] of Object.entries(EXPECTED)) {
    if (label === 'unknown') continue;
    it(`from ${label}: exactly ${expected.map((e) => e[1]).join(', ') || 'nothing'}`, () => {
      expect(machineIn(label).current).toEqual({ id: STATE_IDS[label], label });
      expect(
        machineIn(label)
          .availableTransitions()
          .map((t) => [t.id, t.label, t.goal.label]),
      ).toEqual(expected);
      for (const id of ALL_TRANSITION_IDS) {
        const steps: LifecycleTransition[] = [];
        const m = machineIn(label, steps);
        const hit = expected.find((e) => e[0] === id);
        if (hit) {
          expect(m.trigger(id)).toEqual({ id: STATE_IDS[hit[2]], label: hit[2] });
          expect(steps.map((s) => [s.id, s.start.label, s.goal.label])).toEqual([[id, label, hit[2]]]);
        } else {
          expect(() => m.trigger(id)).toThrow(InvalidTransitionError);
          expect(m.current.label).toBe(label);
          expect(steps).toEqual([]);
        }
      }
      for (const [id, tlabel, goal] of expected) {
        const m = machineIn(label);
        // Labels are looked up as rcl does: the first match from the current state.
        const first = expected.find((e) => e[1] === tlabel)!;
        expect(m.trigger(tlabel).label).toBe(first[2]);
        if (first[0] === id) expect(goal).toBe(first[2]);
      }
    });
  }

  it('names the transition and the state in the error, in rcl wording', () => {
    expect(() => machineIn('active').trigger(1)).toThrow(
      'Unable to start transition 1 from current state active',
    );
  });
});

describe('change(): callbacks decide the way out', () => {
  /** A machine whose callbacks answer from `answers` by transition state label. */
  function scripted(answers: Record<string, CallbackResult | 'throw' | 'reject'>) {
    const calls: [string, string][] = [];
    const steps: string[] = [];
    const m = new LifecycleStateMachine(
      async (s: LifecycleState, previous: LifecycleState) => {
        calls.push([s.label, previous.label]);
        const a = answers[s.label] ?? 'success';
        if (a === 'throw') throw new Error('boom');
        if (a === 'reject') return Promise.reject(new Error('async boom'));
        return a;
      },
      (t) => steps.push(`${t.start.label}-${t.label}->${t.goal.label}`),
    );
    return { m, calls, steps };
  }

  it('configure, activate, deactivate, cleanup, shutdown all succeeding', async () => {
    const { m, calls, steps } = scripted({});
    expect(await m.change('configure')).toEqual({ result: 'success', state: { id: 2, label: 'inactive' } });
    expect(await m.change(3)).toEqual({ result: 'success', state: { id: 3, label: 'active' } });
    expect((await m.change('deactivate')).state.label).toBe('inactive');
    expect((await m.change('cleanup')).state.label).toBe('unconfigured');
    expect((await m.change('shutdown')).state.label).toBe('finalized');
    expect(calls).toEqual([
      ['configuring', 'unconfigured'],
      ['activating', 'inactive'],
      ['deactivating', 'active'],
      ['cleaningup', 'inactive'],
      ['shuttingdown', 'unconfigured'],
    ]);
    expect(steps).toEqual([
      'unconfigured-configure->configuring',
      'configuring-transition_success->inactive',
      'inactive-activate->activating',
      'activating-transition_success->active',
      'active-deactivate->deactivating',
      'deactivating-transition_success->inactive',
      'inactive-cleanup->cleaningup',
      'cleaningup-transition_success->unconfigured',
      'unconfigured-shutdown->shuttingdown',
      'shuttingdown-transition_success->finalized',
    ]);
    await expect(m.change('configure')).rejects.toThrow(InvalidTransitionError);
  });

  it('failure goes back where the transition started (a failed shutdown still finalizes)', async () => {
    const { m } = scripted({ configuring: 'failure' });
    expect(await m.change('configure')).toEqual({
      result: 'failure',
      state: { id: 1, label: 'unconfigured' },
    });
    const a = scripted({ activating: 'failure', deactivating: 'failure', cleaningup: 'failure' });
    await a.m.change('configure');
    expect((await a.m.change('activate')).state.label).toBe('inactive');
    expect((await a.m.change('cleanup')).state.label).toBe('inactive');
    a.m.trigger('activate');
    a.m.trigger('transition_success');
    expect((await a.m.change('deactivate')).state.label).toBe('active');
    const s = scripted({ shuttingdown: 'failure' });
    expect(await s.m.change('shutdown')).toEqual({ result: 'failure', state: { id: 4, label: 'finalized' } });
  });

  for (const how of ['error', 'throw', 'reject'] as const) {
    it(`an ${how} goes through errorprocessing: onError success -> unconfigured`, async () => {
      const { m, calls, steps } = scripted({ activating: how });
      await m.change('configure');
      steps.length = 0;
      expect(await m.change('activate')).toEqual({
        result: 'error',
        state: { id: 1, label: 'unconfigured' },
      });
      expect(calls.at(-1)).toEqual(['errorprocessing', 'inactive']);
      expect(steps).toEqual([
        'inactive-activate->activating',
        'activating-transition_error->errorprocessing',
        'errorprocessing-transition_success->unconfigured',
      ]);
    });
  }

  for (const onError of ['failure', 'error', 'throw'] as const) {
    it(`onError ${onError} -> finalized`, async () => {
      const { m, steps } = scripted({ configuring: 'error', errorprocessing: onError });
      expect(await m.change('configure')).toEqual({ result: 'error', state: { id: 4, label: 'finalized' } });
      expect(steps.at(-1)).toBe(
        `errorprocessing-${onError === 'failure' ? 'transition_failure' : 'transition_error'}->finalized`,
      );
    });
  }

  it('refuses a second transition while one is under way', async () => {
    let release: (r: CallbackResult) => void = () => {};
    const m = new LifecycleStateMachine(() => new Promise<CallbackResult>((r) => (release = r)));
    const first = m.change('configure');
    expect(m.current.label).toBe('configuring');
    await expect(m.change('configure')).rejects.toThrow('from current state configuring');
    await expect(m.change('shutdown')).rejects.toThrow(InvalidTransitionError);
    release('success');
    expect((await first).state.label).toBe('inactive');
  });

  it('an answer that is no CallbackResult counts as an error', async () => {
    const m = new LifecycleStateMachine((s) =>
      s.label === 'configuring' ? ('yes' as CallbackResult) : 'success',
    );
    expect(await m.change('configure')).toEqual({ result: 'error', state: { id: 1, label: 'unconfigured' } });
  });
});
