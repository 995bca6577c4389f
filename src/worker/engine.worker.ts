/// <reference lib="webworker" />
/**
 * The page's engine worker: all training and heavy maths run here, off the
 * main thread. Job modules load on first use so a page only downloads the
 * engine parts its cells need.
 */
import type { BackendInfo } from '../engine/backend';
import { chooseBackend } from '../engine/calibrate';
import { startFastThreads } from '../engine/fast/gemm';
import type { JobFamily } from '../api/jobs';
import { JobContext, JobStopped, type JobFn, type JobTable } from './context';
import type { FromWorker, ToWorker } from '../api/protocol';
import { siteResources, type Resources } from './resources';

// Job "x.y" is the function `y` of the `jobs` export of ./jobs/x.ts; each module loads on first use.
// The table is typed by the contract (src/api/jobs.ts): a family without a module, a missing job or a
// job whose parameters or result differ from the contract's is a type error here.
const MODULES: { [F in JobFamily]: () => Promise<{ jobs: JobTable<F> }> } = {
  alphar: () => import('./jobs/alphar'),
  attention: () => import('./jobs/attention'),
  'delta-w': () => import('./jobs/delta-w'),
  handwriting: () => import('./jobs/handwriting'),
  lora: () => import('./jobs/lora'),
  merge: () => import('./jobs/merge'),
  peft: () => import('./jobs/peft'),
  qlora: () => import('./jobs/qlora'),
  spectrum: () => import('./jobs/spectrum'),
  intrinsic: () => import('./jobs/intrinsic'),
  whichrank: () => import('./jobs/whichrank'),
};

const post = (m: FromWorker) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);
const contexts = new Map<number, JobContext>();
const sessions = new Map<string, Map<string, unknown>>();
let ready: Promise<BackendInfo> | null = null;
let resources: Resources | null = null;

async function start(id: number, job: string, params: unknown): Promise<void> {
  const [mod, name] = job.split('.');
  const session = (params as { session?: string })?.session ?? 'default';
  if (!sessions.has(session)) sessions.set(session, new Map());
  if (!ready || !resources) {
    post({ type: 'error', id, message: 'The engine was not initialised.', name: 'Error' });
    return;
  }
  const ctx = new JobContext((data) => post({ type: 'progress', id, data }), sessions.get(session)!, resources);
  contexts.set(id, ctx);
  try {
    await ready;
    // The page's name is checked at compile time (components/lib/engine.ts); this guards a message from elsewhere.
    const load = Object.hasOwn(MODULES, mod) ? MODULES[mod as JobFamily] : undefined;
    const table = load ? ((await load()).jobs as unknown as Record<string, JobFn<never>>) : undefined;
    const fn = table && Object.hasOwn(table, name) ? table[name] : undefined;
    if (!fn) throw new Error(`Unknown job "${job}".`);
    post({ type: 'done', id, result: await fn(params as never, ctx as JobContext<never>) });
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
    resources = siteResources(m.base);
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
