// Command-line options and the machine line shared by scripts/bench.ts and scripts/bench-browser.ts.
import { cpus, loadavg } from 'node:os';

export interface CliOptions {
  backends: string[];
  reps: number;
  warmup: number;
  slowReps: number;
  ranks: number[];
  only?: string[];
  paths?: string[];
  json?: string;
  browser: boolean;
  isolated: boolean;
  webgpu: boolean;
  kernels: boolean;
  dispatches: boolean;
  gpu: boolean;
  /** Which models to time: the MLP (784→1000→2000→10) and /attention/'s tiny transformer. */
  models: ('mlp' | 'gpt')[];
}

export function parseArgs(argv: string[], defaults: Partial<CliOptions> = {}): CliOptions {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const list = (name: string) => get(name)?.split(',').filter(Boolean);
  const num = (name: string, fallback: number) => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${v}).`);
    return n;
  };
  const paths = list('paths');
  const known = ['reference', 'fast-xnn', 'fast'];
  const unknown = paths?.filter((p) => !known.includes(p));
  if (unknown?.length) throw new Error(`--paths: unknown ${unknown.join(', ')} (choose from ${known.join(', ')}).`);
  const models = list('models') ?? ['mlp', 'gpt'];
  const badModel = models.filter((m) => m !== 'mlp' && m !== 'gpt');
  if (badModel.length || !models.length) throw new Error(`--models: unknown ${badModel.join(', ') || '(none)'} (choose from mlp, gpt).`);
  return {
    backends: list('backends') ?? defaults.backends ?? ['wasm', 'cpu'],
    reps: num('reps', defaults.reps ?? 15),
    warmup: num('warmup', defaults.warmup ?? 3),
    slowReps: num('slow-reps', defaults.slowReps ?? 5),
    ranks: (list('ranks') ?? ['1', '4', '16', '64']).map(Number),
    only: list('only'),
    paths,
    json: get('json'),
    browser: argv.includes('--browser'),
    isolated: argv.includes('--isolated'),
    webgpu: argv.includes('--webgpu'),
    kernels: argv.includes('--kernels'),
    dispatches: argv.includes('--dispatches'),
    gpu: argv.includes('--gpu'),
    models: models as CliOptions['models'],
  };
}

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; ${new Date().toISOString().slice(0, 10)}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}
