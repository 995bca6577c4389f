// Wiring shared by the subspace and ΔW-vs-W cells: URL state for the shared
// controls, Run/Pause/Stop with a progress bar, and one job per run.
import { cellState } from '../lib/cell-state';
import type { StateStore } from '../lib/state';
import { clearMessage, showMessage } from '../lib/messages';
import type { AnalysisParams } from '../../src/api/whichrank';
import type { JobEvent, JobResult } from '../../src/api/jobs';
import { analysisParams, analysisSchema, trainProgressText } from './analysis-state';
import { RunController } from '../lib/run-controller';

export interface AnalysisCell {
  state: StateStore<typeof analysisSchema>;
  params(): AnalysisParams;
  progress: HTMLOutputElement;
}

export function setupAnalysisCell<N extends 'whichrank.subspace' | 'whichrank.deltaVsW'>(cell: HTMLElement, job: N, onResult: (r: JobResult<N>, p: AnalysisParams) => void, onChange: () => void): AnalysisCell {
  const state = cellState(cell, analysisSchema, cell.dataset.prefix);
  const q = <T extends Element>(sel: string) => cell.querySelector<T>(sel)!;
  const bar = q<HTMLProgressElement>('progress[data-role="bar"]');
  const progress = q<HTMLOutputElement>('output[data-role="progress"]');
  const runButton = q<HTMLButtonElement>('button[data-role="run"]');
  const runner = new RunController(cell, {
    pause: q<HTMLButtonElement>('button[data-role="pause"]'),
    stop: q<HTMLButtonElement>('button[data-role="stop"]'),
    lock: () => [runButton, ...cell.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-key]')],
  });
  const params = () => analysisParams(state.values());
  state.subscribe(onChange);

  runButton.addEventListener('click', async () => {
    clearMessage(cell, 'run');
    const p = params();
    bar.value = 0;
    progress.value = 'Starting…';
    let trained = 0;
    const outcome = await runner.run(job, p, (e: JobEvent<'whichrank.subspace'>) => {
      trained = Math.max(trained, e.index + 1);
      bar.max = e.total * e.steps;
      bar.value = e.index * e.steps + e.step;
      progress.value = trainProgressText(e);
    });
    if (outcome.ok) {
      bar.max = 1;
      bar.value = 1;
      progress.value = trained ? 'Done: adapters trained and compared.' : 'Done, with adapters trained earlier for these settings.';
      onResult(outcome.result, p);
    } else if (outcome.stopped) {
      progress.value = 'Stopped. Adapters that finished are kept; run again to train the rest.';
    } else {
      progress.value = 'Stopped with an error.';
      showMessage(cell, 'run', `${outcome.error.message} Change a setting or run again.`, 'error');
    }
  });
  return { state, params, progress };
}
