// <matrix-rank>: an editable matrix whose exact rank, RREF and dependent rows
// update as you type. Size and entries live in the URL (prefix from data-prefix).
import { defineState, bindInput, paramName } from '../lib/state';
import { showNotes, showMessage, clearMessage } from '../lib/messages';
import { loadWhenNear } from '../lib/onscreen';
import { MatrixGrid } from './matrix-grid';
import { renderRref, renderDependencies } from './matrix-view';
import { encodeMatrix, decodeMatrix } from './codec';
import { preset, type PresetName } from './presets';

type Exact = typeof import('../../src/core/exactRank');

class MatrixRank extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const q = <T extends Element>(role: string) => this.querySelector<T>(`[data-role="${role}"]`)!;
    const state = defineState({
      rows: { kind: 'int', min: 1, max: 6, default: 3, label: 'Rows' },
      cols: { kind: 'int', min: 1, max: 6, default: 3, label: 'Columns' },
      m: { kind: 'text', default: '1,2,3;4,5,6;5,7,9', maxLength: 1600, label: 'Entries' },
    }, { prefix: this.dataset.prefix ?? 'mat' });

    const rankOut = q<HTMLOutputElement>('rank');
    const rrefTable = q<HTMLTableElement>('rref');
    const depList = q<HTMLElement>('deps');
    let exact: Exact | null = null;

    const compute = () => {
      if (!exact) return;
      const { matrix, errors } = exact.parseMatrix(grid.entries());
      grid.markInvalid(errors);
      if (!matrix) {
        const first = errors.slice(0, 3).map((e) => `Row ${e.row + 1}, column ${e.col + 1} ${e.reason}.`);
        const more = errors.length > 3 ? ` (${errors.length - 3} more.)` : '';
        showMessage(this, 'input', `${first.join(' ')}${more} Fix it to see the rank.`, 'error');
        rankOut.value = '—';
        renderRref(rrefTable, null, exact.formatFraction);
        renderDependencies(depList, []);
        grid.markDependent(new Map());
        return;
      }
      clearMessage(this, 'input');
      const result = exact.exactRank(matrix);
      rankOut.value = String(result.rank);
      renderRref(rrefTable, result, exact.formatFraction);
      const sentences = result.dependent.map(exact.describeDependency);
      renderDependencies(depList, sentences);
      grid.markDependent(new Map(result.dependent.map((d, i) => [d.row, sentences[i]])));
    };

    const grid = new MatrixGrid(q<HTMLTableElement>('grid'), () => {
      state.set('m', encodeMatrix(grid.entries()));
      compute();
    });

    const load = (entries: string[][]) => {
      grid.setEntries(entries);
      state.set('m', encodeMatrix(entries));
      compute();
    };

    // Initial matrix from the URL, repairing mismatched sizes (with a visible note if the link gave entries).
    const decoded = decodeMatrix(state.get('m'), state.get('rows'), state.get('cols'));
    // Notes about the link's entries only when they were read (a rejected value shows the default's).
    const linkEntries = new URLSearchParams(location.search).get(paramName(state.prefix, 'm'));
    const linkHadEntries = linkEntries !== null && linkEntries === state.get('m');
    showNotes(this, 'url', [...state.notes, ...(linkHadEntries ? decoded.notes : [])]);
    load(decoded.grid);

    // Size selectors keep the entries that still fit and fill new ones with 0.
    const resize = () => {
      const old = grid.entries();
      const r = state.get('rows');
      const c = state.get('cols');
      load(Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => old[i]?.[j] ?? '0')));
    };
    bindInput(state, 'rows', q<HTMLSelectElement>('rows'));
    bindInput(state, 'cols', q<HTMLSelectElement>('cols'));
    state.subscribe((_, changed) => {
      if (changed.includes('rows') || changed.includes('cols')) resize();
    });

    this.querySelectorAll<HTMLButtonElement>('[data-preset]').forEach((b) =>
      b.addEventListener('click', () => {
        clearMessage(this, 'url');
        load(preset(b.dataset.preset as PresetName, state.get('rows'), state.get('cols')));
      }));

    loadWhenNear(this, () => import('../../src/core/exactRank'))
      .then((mod) => { exact = mod; compute(); })
      .catch((err) => showMessage(this, 'load', `Could not load the exact arithmetic: ${err}`, 'error'));
  }
}

if (!customElements.get('matrix-rank')) customElements.define('matrix-rank', MatrixRank);
