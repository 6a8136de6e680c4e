import { describe, expect, it } from 'vitest';
import { SendBufferPool } from '../../../../src/rtps/transport/send-buffer-pool.js';

describe('SendBufferPool', () => {
  it('copies into a buffer of its own and reuses it once released', () => {
    const pool = new SendBufferPool(16, 2);
    const data = Uint8Array.of(1, 2, 3);
    const a = pool.copy(data)!;
    data.fill(9);
    expect([...a.view]).toEqual([1, 2, 3]);
    expect(pool.inUse).toBe(1);
    a.release();
    expect(pool.inUse).toBe(0);
    const b = pool.copy(Uint8Array.of(4, 5))!;
    expect(b).toBe(a);
    expect([...b.view]).toEqual([4, 5]);
  });

  it('is bounded: past max buffers in use, and for data longer than a buffer, it gives none', () => {
    const pool = new SendBufferPool(4, 2);
    expect(pool.copy(new Uint8Array(5))).toBeUndefined();
    const a = pool.copy(new Uint8Array(4));
    const b = pool.copy(new Uint8Array(4));
    expect(a && b && a !== b).toBe(true);
    expect(pool.copy(new Uint8Array(1))).toBeUndefined();
    expect(pool.inUse).toBe(2);
    b!.release();
    expect(pool.copy(new Uint8Array(1))).toBe(b);
  });

  it('takes a buffer back once however often its release is called', () => {
    const pool = new SendBufferPool(4, 2);
    const a = pool.copy(new Uint8Array(1))!;
    a.release();
    a.release();
    expect(pool.inUse).toBe(0);
    // Released twice, it would be handed out twice now.
    const first = pool.copy(new Uint8Array(1));
    const second = pool.copy(new Uint8Array(1));
    expect(first).not.toBe(second);
  });

  it('passes a failed send on, and takes the buffer back all the same', () => {
    const errors: string[] = [];
    const pool = new SendBufferPool(4, 1, (e) => errors.push(e.message));
    const a = pool.copy(new Uint8Array(1))!;
    a.release(new Error('ECONNREFUSED'));
    expect(errors).toEqual(['ECONNREFUSED']);
    expect(pool.inUse).toBe(0);
    pool.copy(new Uint8Array(1))!.release(null);
    expect(errors).toHaveLength(1);
  });
});
