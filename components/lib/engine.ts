// The page's connection to its engine worker. One worker per page, created on
// first use (so tfjs is only downloaded when a live cell actually computes);
// every cell starts jobs on it and gets a handle to follow and control them.
//
//   const job = engine().run('lora.train', params, (e) => draw(e));   // params, e and the result typed by the name
//   pauseButton.onclick = () => job.pause();
//   const result = await job.done;          // rejects with .name 'JobStopped', 'TrainingDiverged', …
//
// `?backend=wasm|webgl|webgpu|cpu` in the page URL overrides the automatic choice.
import type { BackendInfo, BackendName, FromWorker, JobControl, ToWorker } from '../../src/api/protocol';
import type { JobEvent, JobName, JobParams, JobResult } from '../../src/api/jobs';

export interface JobHandle<R> {
  readonly id: number;
  readonly done: Promise<R>;
  pause(): void;
  resume(): void;
  stop(): void;
}

const BACKENDS: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

class Engine {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; onEvent?: (e: unknown) => void }>();
  readonly backend: Promise<BackendInfo>;

  constructor() {
    this.worker = new Worker(new URL('../../src/worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'lora-engine' });
    let ready!: (b: BackendInfo) => void;
    let failed!: (e: Error) => void;
    this.backend = new Promise((res, rej) => ((ready = res), (failed = rej)));
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === 'ready') return ready(m.backend);
      if (m.type === 'init-error') return failed(new Error(m.message));
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') p.onEvent?.(m.data);
      else {
        this.pending.delete(m.id);
        if (m.type === 'done') p.resolve(m.result);
        else p.reject(Object.assign(new Error(m.message), { name: m.name }));
      }
    };
    this.worker.onerror = (ev) => {
      const err = new Error(`The engine stopped: ${ev.message || 'the worker failed to load'}.`);
      failed(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    const asked = new URLSearchParams(location.search).get('backend') as BackendName | null;
    this.post({ type: 'init', prefer: asked && BACKENDS.includes(asked) ? asked : undefined, base: import.meta.env.BASE_URL });
  }

  private post(m: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  /** Starts a job; its parameters, events and result are the contract's for that name (src/api/jobs.ts). */
  run<N extends JobName>(job: N, params: JobParams<N>, onEvent?: (e: JobEvent<N>) => void, transfer: Transferable[] = []): JobHandle<JobResult<N>> {
    const id = this.nextId++;
    const done = new Promise<JobResult<N>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onEvent: onEvent as (e: unknown) => void });
    });
    this.post({ type: 'start', id, job, params }, transfer);
    const control = (action: JobControl) => () => this.post({ type: 'control', id, action });
    return { id, done, pause: control('pause'), resume: control('resume'), stop: control('stop') };
  }
}

let instance: Engine | null = null;
const backendListeners: ((b: BackendInfo) => void)[] = [];
/** The page's engine (created on first call). */
export function engine(): Engine {
  if (!instance) {
    instance = new Engine();
    for (const cb of backendListeners.splice(0)) instance.backend.then(cb, () => {});
  }
  return instance;
}

/** Call `cb` with the backend once some cell has started the engine (this does not start it). */
export function onEngineBackend(cb: (b: BackendInfo) => void): void {
  if (instance) instance.backend.then(cb, () => {});
  else backendListeners.push(cb);
}

export type { Engine };
