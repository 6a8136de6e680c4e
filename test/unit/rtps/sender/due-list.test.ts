import { describe, expect, it } from 'vitest';
import { DueList, sent } from '../../../../src/rtps/sender/due-list.js';

interface Item {
  name: string;
  dueAt: number;
}
const item = (name: string): Item => ({ name, dueAt: -1 });

describe('DueList', () => {
  it('sends each due item once, in the order it first became due', () => {
    const due = new DueList<Item>();
    const [a, b] = [item('a'), item('b')];
    due.mark(b);
    due.mark(a);
    due.mark(b);
    const order: string[] = [];
    due.flush((i) => {
      order.push(i.name);
      sent(i);
    });
    expect(order).toEqual(['b', 'a']);
    expect(due.length).toBe(0);
    expect(a.dueAt).toBe(-1);
  });

  it('skips the old slot of an item sent early and due again, which goes in its new turn', () => {
    const due = new DueList<Item>();
    const [a, b] = [item('a'), item('b')];
    due.mark(a);
    due.mark(b);
    sent(a); // left early (its queue was full)
    due.mark(a);
    const order: string[] = [];
    due.flush((i) => {
      order.push(i.name);
      sent(i);
    });
    expect(order).toEqual(['b', 'a']);
  });

  it('sends in the same flush what a send makes due again', () => {
    const due = new DueList<Item>();
    const [a, b] = [item('a'), item('b')];
    due.mark(a);
    const order: string[] = [];
    due.flush((i) => {
      order.push(i.name);
      sent(i);
      if (i === a) due.mark(b);
    });
    expect(order).toEqual(['a', 'b']);
    expect(due.length).toBe(0);
  });
});
