/// <reference lib="webworker" />
/**
 * The page's engine worker: all training and heavy maths run here, off the
 * main thread. Job modules load on first use so a page only downloads the
 * engine parts its cells need.
 */
import type { BackendInfo } from '../engine/backend';
import { chooseBackend } from '../engine/calibrate';
import { startFastThreads } from '../engine/fast/gemm';
import { JobContext, JobStopped, type JobModule } from './context';
import type { FromWorker, ToWorker } from './protocol';
import { setSiteBase } from './resources';

// Job "x.y" is the function `y` of the `jobs` export of ./jobs/x.ts; each loads on first use.
const MODULES = import.meta.glob<{ jobs: JobModule }>('./jobs/*.ts');

const post = (m: FromWorker) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);
const contexts = new Map<number, JobContext>();
const sessions = new Map<string, Map<string, unknown>>();
let ready: Promise<BackendInfo> | null = null;

async function start(id: number, job: string, params: unknown): Promise<void> {
  const [mod, name] = job.split('.');
  const session = (params as { session?: string })?.session ?? 'default';
  if (!sessions.has(session)) sessions.set(session, new Map());
  const ctx = new JobContext((data) => post({ type: 'progress', id, data }), sessions.get(session)!);
  contexts.set(id, ctx);
  try {
    if (!ready) throw new Error('The engine was not initialised.');
    await ready;
    const load = MODULES[`./jobs/${mod}.ts`];
    const fn = load ? (await load()).jobs[name] : undefined;
    if (!fn) throw new Error(`Unknown job "${job}".`);
    post({ type: 'done', id, result: await fn(params as never, ctx) });
  } catch (e) {
    const err = e as Error;
    post({ type: 'error', id, message: err.message || String(e), name: err instanceof JobStopped ? 'JobStopped' : err.name || 'Error' });
  } finally {
    contexts.delete(id);
  }
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  if (m.type === 'init') {
    setSiteBase(m.base);
    // Measured choice where the device has a hardware GPU (calibrate.ts); the worker's own URL carries the
    // build's content hash, so a new version of the site measures again.
    ready = chooseBackend({ prefer: m.prefer, wasmPath: `${m.base.replace(/\/?$/, '/')}tfjs/`, version: self.location.pathname })
      .then(async (info) => {
        // On a cross-origin isolated page the fast path's helper threads start now, before any job (fast/gemm.ts).
        if (info.name === 'wasm') await startFastThreads();
        return info;
      });
    ready.then(
      (backend) => post({ type: 'ready', backend }),
      (e) => post({ type: 'init-error', message: (e as Error).message }),
    );
  } else if (m.type === 'start') {
    void start(m.id, m.job, m.params);
  } else if (m.type === 'control') {
    contexts.get(m.id)?.control(m.action);
  }
};
