/**
 * The page↔worker contract: every job the worker runs, by name, with its parameters, the events it
 * streams and its result. `engine().run(name, params, onEvent)` (components/lib/engine.ts) infers all
 * three from the name, and the worker's job table (src/worker/engine.worker.ts) is checked against it,
 * so a wrong name or parameter is a type error on either side. Types only: no tfjs, nothing runs.
 *
 * Job "family.name" is the function `name` in the `jobs` object of src/worker/jobs/family.ts.
 */
import type * as alphar from './alphar';
import type * as attention from './attention';
import type * as deltaW from './delta-w';
import type * as handwriting from './handwriting';
import type * as lora from './lora';
import type * as merge from './merge';
import type * as peft from './peft';
import type * as qlora from './qlora';
import type * as spectrum from './spectrum';
import type * as intrinsic from './intrinsic';
import type * as whichrank from './whichrank';

/** One job: what it takes, what it streams while it runs (never, for most), what it returns. */
interface Job<P, R, E = never> { params: P; result: R; event: E }

export interface Jobs {
  'alphar.train': Job<alphar.AlphaRunParams, alphar.AlphaRunResult, alphar.AlphaRunEvent>;

  'attention.info': Job<attention.InfoParams, attention.InfoResult>;
  'attention.sample': Job<attention.SampleParams, attention.SampleResult>;
  'attention.baseLoss': Job<attention.BaseLossParams, attention.BaseLossResult>;
  'attention.train': Job<attention.GptTrainParams, attention.GptTrainResult, attention.GptTrainEvent>;
  'attention.budget': Job<attention.BudgetParams, attention.BudgetResult, attention.BudgetEvent>;
  'attention.keep': Job<attention.SessionParams, attention.KeepResult>;
  'attention.sampleKept': Job<attention.SampleParams, attention.SampleKeptResult>;
  'attention.attention': Job<attention.AttentionParams, attention.AttentionResult>;
  'attention.reset': Job<attention.SessionParams, attention.ResetResult>;
  'attention.adapter': Job<attention.AdapterSwitchParams, attention.AdapterSwitchResult>;

  'delta-w.analyse': Job<deltaW.AnalyseParams, deltaW.DeltaAnalysis>;
  'delta-w.merge': Job<deltaW.MergeParams, deltaW.MergeResult>;

  'handwriting.predict': Job<handwriting.PredictParams, handwriting.PredictResult>;
  'handwriting.sample': Job<handwriting.SampleParams, handwriting.SampleResult>;
  'handwriting.train': Job<handwriting.HwTrainParams, handwriting.HwTrainResult, handwriting.HwTrainEvent>;
  'handwriting.table': Job<handwriting.TableParams, handwriting.TableResult>;
  'handwriting.save': Job<handwriting.SaveParams, handwriting.SaveResult>;
  'handwriting.load': Job<handwriting.LoadParams, handwriting.AdapterSummary>;
  'handwriting.unload': Job<handwriting.UnloadParams, handwriting.UnloadResult>;

  'lora.evaluate': Job<lora.EvaluateParams, lora.TaskEvaluation>;
  'lora.train': Job<lora.TrainParams, lora.TrainResult, lora.TrainEvent>;
  'lora.reset': Job<lora.SessionParams, lora.ResetResult>;

  'merge.latency': Job<merge.LatencyParams, merge.LatencyResult, merge.LatencyEvent>;
  'merge.train': Job<merge.SwitchTrainParams, merge.SlotSummary, merge.SwitchEvent>;
  'merge.use': Job<merge.UseParams, merge.UseResult, merge.SwitchEvent>;
  'merge.list': Job<lora.SessionParams, merge.SlotSummary[]>;
  'merge.save': Job<merge.SaveParams, merge.SavedAdapter>;
  'merge.load': Job<merge.LoadParams, merge.LoadResult>;

  'peft.latency': Job<peft.LatencyParams, peft.LatencyResult, peft.LatencyEvent>;

  'qlora.layer': Job<qlora.LayerParams, qlora.LayerResult>;
  'qlora.sweep': Job<qlora.SweepParams, qlora.SweepResult, qlora.SweepEvent>;
  'qlora.evaluate': Job<qlora.EvaluateParams, qlora.EvaluateResult>;
  'qlora.train': Job<qlora.QloraTrainParams, qlora.QloraResult, qlora.QloraEvent>;
  'qlora.reset': Job<lora.SessionParams, lora.ResetResult>;
  'qlora.compare': Job<qlora.CompareParams, qlora.CompareResult, qlora.CompareEvent>;

  'spectrum.weights': Job<spectrum.WeightsParams, spectrum.WeightSpectrum>;
  'spectrum.digit': Job<spectrum.DigitParams, spectrum.DigitSpectrum>;

  'intrinsic.train': Job<intrinsic.SubspaceTrainParams, intrinsic.SubspaceResult, intrinsic.SubspaceEvent>;
  'intrinsic.sweep': Job<intrinsic.SweepParams, intrinsic.SweepResult, intrinsic.SweepEvent>;
  'intrinsic.reset': Job<intrinsic.ResetParams, lora.ResetResult>;

  'whichrank.baseline': Job<whichrank.BaselineParams, whichrank.Baseline>;
  'whichrank.sweep': Job<whichrank.SweepParams, whichrank.RunResult[], whichrank.SweepEvent>;
  'whichrank.subspace': Job<whichrank.AnalysisParams, whichrank.SubspaceResult, whichrank.AnalysisEvent>;
  'whichrank.deltaVsW': Job<whichrank.AnalysisParams, whichrank.DeltaVsWResult, whichrank.AnalysisEvent>;
  'whichrank.reset': Job<lora.SessionParams, lora.ResetResult>;
}

export type JobName = keyof Jobs;
export type JobParams<N extends JobName> = Jobs[N]['params'];
export type JobEvent<N extends JobName> = Jobs[N]['event'];
export type JobResult<N extends JobName> = Jobs[N]['result'];

/** The families (the part before the dot): one worker module each. */
export type JobFamily = JobName extends `${infer F}.${string}` ? F : never;
/** The jobs of one family, by their name inside it: 'lora' → 'evaluate' | 'train' | 'reset'. */
export type JobsIn<F extends JobFamily> = { [N in JobName as N extends `${F}.${infer J}` ? J : never]: N };
