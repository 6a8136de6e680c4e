/**
 * zstd compression in a worker thread, so that heavy levels (zstd_small's 19 takes seconds per
 * 4 MiB chunk) and whole bag files (`--compression-mode file`) never stall the event loop that
 * receives the messages. One worker, shared by every writer of the process, compresses jobs in
 * the order they are posted; each job is one zstd frame (with its content size) from
 * @foxglove/wasm-zstd, the codec compression.ts loads on the main thread.
 *
 * The worker's script is a short CommonJS string (`eval`): it runs the same whether ros2ts runs
 * from its compiled `dist/` or from sources through a TypeScript loader, which a worker file
 * could not. The worker is unreferenced while idle, so it never keeps a process alive.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { BagError } from './errors.js';

const WORKER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const zstd = require(workerData.zstdPath);
zstd.isLoaded.then(() => {
  parentPort.on('message', (job) => {
    try {
      const frame = zstd.compress(job.data, job.level);
      // compress() may return a slice of Buffer's shared pool: copy it out before transferring.
      const out = new Uint8Array(frame.length);
      out.set(frame);
      parentPort.postMessage({ id: job.id, data: out }, [out.buffer]);
    } catch (error) {
      parentPort.postMessage({ id: job.id, error: String((error && error.message) || error) });
    }
  });
  parentPort.postMessage({ ready: true });
}, (error) => { throw error; });
`;

type Reply = { id: number; data: Uint8Array } | { id: number; error: string } | { ready: true };

interface Job {
  readonly resolve: (data: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

/** A worker that compresses with zstd; jobs are answered in the order they were posted. */
export class ZstdWorker {
  private readonly worker: Worker;
  private readonly jobs = new Map<number, Job>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor() {
    const zstdPath = createRequire(import.meta.url).resolve('@foxglove/wasm-zstd');
    this.worker = new Worker(WORKER_SCRIPT, { eval: true, workerData: { zstdPath } });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.answer(reply));
    this.worker.on('error', (error) => this.fail(new BagError(`zstd worker failed: ${error.message}`)));
    this.worker.on('exit', (code) => this.fail(new BagError(`zstd worker exited (code ${code})`)));
  }

  /** The worker died or was terminated: a new one is needed. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Jobs posted and not yet answered. */
  get pending(): number {
    return this.jobs.size;
  }

  /**
   * One zstd frame of `data` at `level`. `data` is copied to the worker (the caller keeps it);
   * pass `transfer: true` to hand its buffer over instead (it is then unusable here).
   */
  compress(data: Uint8Array, level: number, transfer = false): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      // Referenced while a job is out, so the process waits for its answer.
      if (this.jobs.size === 1) this.worker.ref();
      const whole = transfer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
      this.worker.postMessage({ id, data, level }, whole ? [data.buffer as ArrayBuffer] : []);
    });
  }

  /** Stops the worker; jobs not yet answered are refused. */
  async terminate(): Promise<void> {
    this.fail(new BagError('zstd worker terminated'));
    await this.worker.terminate();
  }

  private answer(reply: Reply): void {
    if ('ready' in reply) return;
    const job = this.jobs.get(reply.id);
    if (!job) return;
    this.jobs.delete(reply.id);
    if (this.jobs.size === 0) this.worker.unref();
    if ('error' in reply) job.reject(new BagError(`zstd compression failed: ${reply.error}`));
    else job.resolve(reply.data);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
  }
}

let shared: ZstdWorker | undefined;

/** The process's zstd worker, started on first use. */
export function sharedZstdWorker(): ZstdWorker {
  if (!shared || shared.failed) shared = new ZstdWorker();
  return shared;
}
