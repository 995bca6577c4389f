// The order of a training cell's Train and Reset (components/lib/cell-actions.ts): issue 13, item 2.
import { describe, expect, it } from 'vitest';
import { CellActions, trainingFailure } from '../../components/lib/cell-actions';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('CellActions', () => {
  it('runs a Reset only after the Train before it has ended, and stops that Train first', async () => {
    const log: string[] = [];
    const a = new CellActions();
    let finishTrain!: () => void;
    a.train(async () => {
      log.push('train start');
      await new Promise<void>((r) => (finishTrain = r));
      log.push('train end');
    });
    await tick();
    const reset = a.reset(() => { log.push('stop'); finishTrain(); }, async () => { log.push('reset'); });
    await reset;
    expect(log).toEqual(['train start', 'stop', 'train end', 'reset']);
  });

  it('tells a Train still being set up that a Reset came after it, and skips Trains queued before a Reset', async () => {
    const a = new CellActions();
    const seen: boolean[] = [];
    let release!: () => void;
    a.train(async (current) => {
      await new Promise<void>((r) => (release = r)); // e.g. scoring the base model first
      seen.push(current());
    });
    await tick();
    let skipped = true;
    a.reset(() => release(), async () => undefined);
    expect(a.train(async () => { skipped = false; })).toBe(true); // after the Reset: runs
    await a.idle();
    expect(seen).toEqual([false]);
    expect(skipped).toBe(false);

    const b = new CellActions();
    let ran = false;
    let hold!: () => void;
    b.reset(() => undefined, () => new Promise<void>((r) => (hold = r)));
    b.train(async () => { ran = true; });
    void b.reset(() => undefined, async () => undefined);
    await tick();
    hold();
    await b.idle();
    expect(ran).toBe(false);
  });

  it('ignores a second Train while one is queued or running, unless asked to queue it behind', async () => {
    const a = new CellActions();
    let n = 0;
    let release!: () => void;
    expect(a.train(() => new Promise<void>((r) => { n++; release = r; }))).toBe(true);
    expect(a.train(async () => { n++; })).toBe(false);
    expect(a.training).toBe(true);
    expect(a.train(async () => { n += 10; }, true)).toBe(true);
    await tick();
    release();
    await a.idle();
    expect(n).toBe(11);
    expect(a.training).toBe(false);
  });

  it('runs an action in turn (Generate) before a Reset pressed after it, and never lets it block a Train', async () => {
    const log: string[] = [];
    const a = new CellActions();
    let draw!: () => void;
    void a.inTurn(async () => {
      log.push('generate start');
      await new Promise<void>((r) => (draw = r)); // the samples are being drawn in the worker
      log.push('generate end');
    });
    await tick();
    expect(a.train(async () => { log.push('train'); })).toBe(true); // not dropped: Generate is no Train
    const reset = a.reset(() => log.push('stop'), async () => { log.push('reset'); });
    draw();
    await reset;
    // The Train came before the Reset, so the Reset cancelled it; Generate ran whole before the Reset.
    expect(log).toEqual(['generate start', 'stop', 'generate end', 'reset']);
    void a.inTurn(async () => { log.push('generate again'); });
    await a.idle();
    expect(log.at(-1)).toBe('generate again');
  });

  it('keeps going after an action throws, and reports it', async () => {
    const errors: unknown[] = [];
    const a = new CellActions((e) => errors.push(e));
    a.train(async () => { throw new Error('boom'); });
    await a.idle();
    let ran = false;
    await a.reset(() => undefined, async () => { ran = true; });
    expect(ran).toBe(true);
    expect(errors).toHaveLength(1);
  });
});

describe('trainingFailure', () => {
  it('says nothing for a stop, keeps the engine’s divergence text, and never passes tfjs’s own words on', () => {
    expect(trainingFailure({ name: 'JobStopped', message: 'Stopped.' })).toBeNull();
    expect(trainingFailure({ name: 'TrainingDiverged', message: 'Training diverged at step 3.' })).toBe('Training diverged at step 3. Press Reset to start again.');
    const raw = 'Cannot find a connection between any variable and the result of the loss function y=f(x).';
    const text = trainingFailure({ name: 'Error', message: raw });
    expect(text).not.toContain('Cannot find');
    expect(text).toMatch(/Press Reset/);
  });
});
