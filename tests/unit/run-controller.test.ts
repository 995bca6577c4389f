// The cells' run controller (components/lib/run-controller.ts): issue 16, item 3. The DOM it
// touches (buttons, the cell, its message region, IntersectionObserver) is faked here in a few
// lines, and jobs run on a fake engine passed in, so no module is mocked.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunController, runFailure, type JobStarter } from '../../components/lib/run-controller';
import { busyOwner, claim, release } from '../../components/lib/engine-lock';

class FakeEl {
  disabled = false;
  textContent = '';
  hidden = false;
  readonly attrs = new Map<string, string>();
  private readonly clicks: (() => void)[] = [];
  addEventListener(type: string, f: () => void): void { if (type === 'click') this.clicks.push(f); }
  click(): void { if (!this.disabled) this.clicks.forEach((f) => f()); }
  setAttribute(k: string, v: string): void { this.attrs.set(k, v); }
  toggleAttribute(k: string, on: boolean): void { if (on) this.attrs.set(k, ''); else this.attrs.delete(k); }
}

/** A cell whose message region keeps its messages by key (messages.ts finds, adds and removes them through these calls). */
class FakeCell extends FakeEl {
  private readonly els = new Map<string, { textContent: string }>();
  /** The text of the message with this key, if shown. */
  msg(key: string): string | undefined {
    return this.els.get(key)?.textContent;
  }
  querySelector(sel: string): unknown {
    return sel.includes('cell-messages') ? this.region : null;
  }
  prepend(): void {}
  private readonly region = {
    querySelector: (sel: string) => this.els.get(/data-msg="([^"]*)"/.exec(sel)![1]) ?? null,
    append: (p: { dataset: { msg: string }; textContent: string; remove?: () => void }) => {
      p.remove = () => this.els.delete(p.dataset.msg);
      this.els.set(p.dataset.msg, p);
    },
  };
}

/** IntersectionObserver stand-in: `setVisible` tells every observer. */
const observers: ((entries: { isIntersecting: boolean }[]) => void)[] = [];
const setVisible = (v: boolean) => observers.forEach((f) => f([{ isIntersecting: v }]));

beforeAll(() => {
  const g = globalThis as Record<string, unknown>;
  g.IntersectionObserver = class {
    constructor(private readonly f: (entries: { isIntersecting: boolean }[]) => void) { observers.push(f); }
    observe(): void {}
    disconnect(): void {}
  };
  g.document = {
    visibilityState: 'visible',
    addEventListener() {},
    removeEventListener() {},
    createElement: () => {
      const p = { dataset: {} as Record<string, string>, className: '', textContent: '', setAttribute() {} };
      return p;
    },
  };
  g.CSS = { escape: (s: string) => s };
});

afterEach(() => {
  observers.length = 0;
  const owner = busyOwner();
  if (owner) release(owner);
});

/** A fake engine: each job waits until the test ends it; it records pause/resume/stop. */
function fakeEngine() {
  const log: string[] = [];
  const jobs: { name: string; end(result?: unknown): void; fail(e: Error): void }[] = [];
  const starter: JobStarter = {
    run(name) {
      let end!: (r: unknown) => void;
      let fail!: (e: Error) => void;
      const done = new Promise<unknown>((res, rej) => ((end = res), (fail = rej)));
      jobs.push({ name, end: (r) => end(r), fail: (e) => fail(e) });
      log.push(`start ${name}`);
      return {
        id: jobs.length, done: done as never,
        pause: () => log.push('pause'),
        resume: () => log.push('resume'),
        stop: () => { log.push('stop'); fail(Object.assign(new Error('stopped'), { name: 'JobStopped' })); },
      };
    },
  };
  return { log, jobs, engine: () => starter };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const asCell = (c: FakeCell) => c as unknown as HTMLElement;
const asButton = (b: FakeEl) => b as unknown as HTMLButtonElement;

function setup(extra: Partial<ConstructorParameters<typeof RunController>[1]> = {}) {
  const cell = new FakeCell();
  const run = new FakeEl();
  const pause = new FakeEl();
  const stop = new FakeEl();
  const input = new FakeEl();
  const fake = fakeEngine();
  const ctl = new RunController(asCell(cell), {
    owner: 'me', start: () => [asButton(run)], pause: asButton(pause), stop: asButton(stop),
    lock: () => [input as unknown as HTMLInputElement], engine: fake.engine, ...extra,
  });
  return { cell, run, pause, stop, input, ctl, ...fake };
}

describe('RunController', () => {
  it('claims the engine for a run, locks the cell while it goes, and frees both when it ends', async () => {
    const { ctl, run, pause, stop, input, jobs } = setup();
    expect([run.disabled, pause.disabled, stop.disabled, input.disabled]).toEqual([false, true, true, false]);
    const outcome = ctl.run('lora.evaluate', { session: 's', task: 'fours' }, () => undefined);
    await tick();
    expect(busyOwner()).toBe('me');
    expect([run.disabled, pause.disabled, stop.disabled, input.disabled]).toEqual([true, false, false, true]);
    jobs[0].end({ score: 1 });
    expect(await outcome).toEqual({ ok: true, result: { score: 1 } });
    expect(busyOwner()).toBe(null);
    expect([run.disabled, pause.disabled, stop.disabled, input.disabled]).toEqual([false, true, true, false]);
  });

  it('waits for another cell: Start is disabled and a run asked for says why', async () => {
    const { ctl, run, cell, log } = setup({ busyMessage: 'Busy.', busyNote: 'Another cell trains.' });
    claim('other');
    expect(run.disabled).toBe(true);
    expect(cell.msg('busy')).toBe('Another cell trains.');
    expect(await ctl.session(async () => undefined)).toBe(false);
    expect(cell.msg('run')).toBe('Busy.');
    expect(log).toEqual([]);
    release('other');
    expect(run.disabled).toBe(false);
    expect(cell.msg('busy')).toBe(undefined);
  });

  it('a cell with only a busyMessage says it beside its disabled Start while another cell holds the engine', () => {
    const { run, cell } = setup({ busyMessage: 'Another cell is using the engine.' });
    claim('other');
    expect(run.disabled).toBe(true);
    expect(cell.msg('busy')).toBe('Another cell is using the engine.');
    release('other');
    expect(run.disabled).toBe(false);
    expect(cell.msg('busy')).toBe(undefined);
  });

  it('Stop ends the job and tells a multi-job run to start no more', async () => {
    const { ctl, stop, jobs, log } = setup();
    const seen: string[] = [];
    const session = ctl.session(async () => {
      for (const name of ['lora.reset', 'lora.evaluate'] as const) {
        if (ctl.stopping) break;
        try { await ctl.job(name, { session: 's', task: 'fours' } as never); } catch (e) { seen.push((e as Error).name); }
      }
    });
    await tick();
    stop.click();
    await session;
    expect(seen).toEqual(['JobStopped']);
    expect(jobs.map((j) => j.name)).toEqual(['lora.reset']);
    expect(log).toEqual(['start lora.reset', 'stop']);
  });

  it('Pause and Resume: the button says which, and is pressed while paused', async () => {
    const { ctl, pause, log, jobs } = setup();
    const outcome = ctl.run('lora.evaluate', { session: 's', task: 'fours' }, () => undefined);
    await tick();
    pause.click();
    expect([pause.textContent, pause.attrs.get('aria-pressed'), ctl.paused]).toEqual(['Resume', 'true', true]);
    pause.click();
    expect([pause.textContent, pause.attrs.get('aria-pressed'), ctl.paused]).toEqual(['Pause', 'false', false]);
    expect(log).toEqual(['start lora.evaluate', 'pause', 'resume']);
    jobs[0].end({});
    await outcome;
  });

  it('pauses off screen and resumes on screen, silently or with a note the Resume button overrides', async () => {
    const silent = setup();
    const a = silent.ctl.run('lora.evaluate', { session: 's', task: 'fours' }, () => undefined);
    await tick();
    setVisible(false);
    expect(silent.cell.attrs.has('data-offscreen-paused')).toBe(true);
    expect(silent.pause.textContent).toBe('Pause');
    setVisible(true);
    expect(silent.log).toEqual(['start lora.evaluate', 'pause', 'resume']);
    silent.jobs[0].end({});
    await a;
    observers.length = 0;

    const told = setup({ offscreenNote: 'Paused off screen.' });
    const b = told.ctl.run('lora.evaluate', { session: 's', task: 'fours' }, () => undefined);
    await tick();
    setVisible(false);
    expect(told.cell.msg('offscreen')).toBe('Paused off screen.');
    expect(told.pause.textContent).toBe('Resume');
    told.pause.click(); // the reader resumes it anyway
    expect(told.cell.msg('offscreen')).toBe(undefined);
    expect(told.log).toEqual(['start lora.evaluate', 'pause', 'resume']);
    told.jobs[0].end({});
    await b;
  });

  it('a job started while the cell is off screen starts paused', async () => {
    const { ctl, log, jobs } = setup();
    setVisible(false);
    const outcome = ctl.run('lora.evaluate', { session: 's', task: 'fours' }, () => undefined);
    await tick();
    expect(log).toEqual(['start lora.evaluate', 'pause']);
    setVisible(true);
    expect(log).toEqual(['start lora.evaluate', 'pause', 'resume']);
    jobs[0].end({});
    await outcome;
  });

  it('a Reset stops the running Train, runs after it, and keeps Train disabled until it has run', async () => {
    const { ctl, run, jobs } = setup();
    const order: string[] = [];
    ctl.train(async () => {
      await ctl.session(async () => {
        try { await ctl.job('lora.train', {} as never); } catch (e) { order.push(`train ${(e as Error).name}`); }
      });
    });
    await tick();
    expect(jobs.length).toBe(1);
    let finish!: () => void;
    const reset = ctl.reset(async () => {
      order.push(`reset (Train disabled: ${run.disabled})`);
      await new Promise<void>((r) => (finish = r));
    });
    await tick();
    expect(run.disabled).toBe(true);
    finish();
    await reset;
    expect(order).toEqual(['train JobStopped', 'reset (Train disabled: true)']);
    expect(run.disabled).toBe(false);
  });

  it('stop() (what a progress view\'s Cancel calls) ends a one-job run as stopped, not failed', async () => {
    const { ctl, log } = setup();
    const outcome = ctl.run('lora.evaluate', { session: 's', task: 'fours' }, () => undefined);
    await tick();
    ctl.stop();
    expect(await outcome).toEqual({ ok: false, stopped: true });
    expect(log).toEqual(['start lora.evaluate', 'stop']);
  });
});

describe('runFailure', () => {
  it('says nothing for a stop, keeps a divergence’s own sentence, and puts anything else in plain words', () => {
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      expect(runFailure(Object.assign(new Error('x'), { name: 'JobStopped' }), 'job')).toBe(null);
      expect(runFailure(Object.assign(new Error('Training diverged at step 3.'), { name: 'TrainingDiverged' }), 'job'))
        .toBe('Training diverged at step 3. Press Reset to start again.');
      const plain = runFailure(new Error('Cannot find a connection between any variable and the result of the loss function'), 'job');
      expect(plain).not.toMatch(/connection|variable/);
      expect(plain).toMatch(/Press Reset/);
    } finally {
      console.warn = warn;
    }
  });
});
