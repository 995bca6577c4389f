/**
 * The training loop. It trains any list of variables through any forward
 * function, so LoRA (A and B), full fine-tuning (all weights) and subspace
 * training (θ_d) share one loop. It is seeded, streams progress, can pause,
 * resume and stop between steps, and frees every tensor it makes.
 */
import { tf, type Scalar, type Tensor2D, type Variable } from './tf';
import { deriveSeed, mulberry32, shuffledIndices } from '../core/rng';
import type { DigitTensors } from './data';
import { adam } from './fast/adam';
import { softmaxCrossEntropy } from './fast/loss';

export interface TrainOptions {
  steps: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: 'adam' | 'sgd';
  seed?: number;
  /** Read the loss back every this many steps (reading forces the backend to sync). */
  reportEvery?: number;
}

export interface TrainProgress {
  step: number;
  steps: number;
  /** Mean training loss over the steps since the last report. */
  loss: number;
  msPerStep: number;
}

/**
 * A cross-entropy loss this large means the logits differ by about a million
 * nats: the weights have blown up. Float32 can carry such a run for many
 * steps before anything becomes Inf or NaN (how many depends on the backend's
 * rounding), so waiting for a non-finite loss would report divergence late, or
 * on one backend and not another.
 */
export const DIVERGED_LOSS = 1e6;

/** Thrown when the loss is not finite or exceeds DIVERGED_LOSS: the run cannot recover by itself. */
export class TrainingDiverged extends Error {
  constructor(readonly step: number) {
    super(`Training diverged at step ${step}: the loss blew up (no longer a finite number, or above ${DIVERGED_LOSS.toLocaleString('en-US')}). Lower the learning rate or α, then reset.`);
    this.name = 'TrainingDiverged';
  }
}

/** Lets queued messages (pause, stop) in between steps; MessageChannel avoids setTimeout's 4 ms clamp. */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

export class Trainer {
  readonly options: Required<TrainOptions>;
  private readonly optimizer: tf.Optimizer;
  private readonly rand: () => number;
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;
  private pending: Scalar[] = [];
  private windowStart = 0;
  private windowSteps = 0;
  private pausedAt: Promise<void> | null = null;
  private resumeRun: (() => void) | null = null;
  private stopped = false;
  step = 0;

  constructor(
    private readonly vars: Variable[],
    private readonly forward: (x: Tensor2D) => Tensor2D,
    private readonly data: DigitTensors,
    options: TrainOptions,
  ) {
    this.options = { batchSize: 64, learningRate: 1e-3, optimizer: 'adam', seed: 0, reportEvery: 10, ...options };
    const { learningRate, optimizer } = this.options;
    if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new Error(`The learning rate must be a positive number (got ${learningRate}).`);
    if (data.n < 1) throw new Error('There is no training data.');
    this.optimizer = optimizer === 'sgd' ? tf.train.sgd(learningRate) : adam(learningRate);
    this.rand = mulberry32(deriveSeed(this.options.seed, 'batches'));
  }

  private nextBatch(): Int32Array {
    const size = Math.min(this.options.batchSize, this.data.n);
    if (this.cursor + size > this.order.length) {
      this.order = shuffledIndices(this.data.n, this.rand);
      this.cursor = 0;
    }
    return this.order.slice(this.cursor, (this.cursor += size));
  }

  /** One optimisation step; the loss stays on the backend until a report reads it. */
  private takeStep(): void {
    const indices = this.nextBatch();
    const loss = tf.tidy(() => {
      const { x, y } = this.data.batch(indices);
      return this.optimizer.minimize(() => softmaxCrossEntropy(this.forward(x), y), true, this.vars) as Scalar;
    });
    this.pending.push(loss);
    this.step++;
    this.windowSteps++;
  }

  /** Reads the pending losses; throws TrainingDiverged if any is not finite. */
  private async report(): Promise<TrainProgress> {
    // One read for all pending losses (each read waits for the backend); no stacking for a single one.
    const stacked = this.pending.length === 1 ? this.pending[0] : tf.stack(this.pending);
    const values = await stacked.data();
    if (stacked !== this.pending[0]) stacked.dispose();
    this.pending.forEach((t) => t.dispose());
    this.pending = [];
    let sum = 0;
    for (const v of values) {
      if (!Number.isFinite(v) || v > DIVERGED_LOSS) throw new TrainingDiverged(this.step);
      sum += v;
    }
    const now = performance.now();
    const progress = { step: this.step, steps: this.options.steps, loss: sum / values.length, msPerStep: (now - this.windowStart) / this.windowSteps };
    this.windowStart = now;
    this.windowSteps = 0;
    return progress;
  }

  /** Exactly one step, e.g. for a "Step" button. */
  async singleStep(): Promise<TrainProgress> {
    this.windowStart = performance.now();
    this.windowSteps = 0;
    this.takeStep();
    return this.report();
  }

  /** Trains until options.steps steps are done or stop() is called. */
  async run(onProgress?: (p: TrainProgress) => void): Promise<TrainProgress | null> {
    this.stopped = false;
    this.windowStart = performance.now();
    this.windowSteps = 0;
    let last: TrainProgress | null = null;
    try {
      while (this.step < this.options.steps && !this.stopped) {
        this.takeStep();
        if (this.windowSteps >= this.options.reportEvery || this.step === this.options.steps) {
          last = await this.report();
          onProgress?.(last);
        }
        await yieldToEventLoop();
        if (this.pausedAt) {
          if (this.pending.length) onProgress?.((last = await this.report()));
          await this.pausedAt;
          this.windowStart = performance.now();
        }
      }
      if (this.pending.length) onProgress?.((last = await this.report()));
    } finally {
      this.pending.forEach((t) => t.dispose());
      this.pending = [];
    }
    return last;
  }

  pause(): void {
    if (!this.pausedAt) this.pausedAt = new Promise((r) => (this.resumeRun = r));
  }

  resume(): void {
    this.resumeRun?.();
    this.pausedAt = null;
    this.resumeRun = null;
  }

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  stop(): void {
    this.stopped = true;
    this.resume();
  }

  /** Frees the optimizer's state (Adam's moments). The trained variables belong to the caller. */
  dispose(): void {
    this.stop();
    this.optimizer.dispose();
  }
}
