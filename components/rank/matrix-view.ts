// Read-only views for the rank cell: the RREF table and the list of dependencies.
import type { RankResult } from '../../src/core/exactRank';

type Fmt = (f: RankResult['rref'][number][number]) => string;

/** Draw the reduced row echelon form; pivot columns are marked. */
export function renderRref(table: HTMLTableElement, result: RankResult | null, fmt: Fmt): void {
  const body = document.createElement('tbody');
  for (const row of result?.rref ?? []) {
    const tr = body.insertRow();
    row.forEach((x, j) => {
      const td = tr.insertCell();
      td.textContent = fmt(x);
      if (result!.pivotCols.includes(j)) td.classList.add('pivot-col');
    });
  }
  table.replaceChildren(body);
}

/** List each dependent row as a sentence ("row 3 = row 1 + row 2"). */
export function renderDependencies(list: HTMLElement, sentences: string[]): void {
  list.replaceChildren(...sentences.map((s) => Object.assign(document.createElement('li'), { textContent: s })));
}
