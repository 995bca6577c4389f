// The page side of task switching, shared by the switching cell and the file
// cell: both swap adapters in the same worker session, and every evaluated
// cell and every change of adapters is announced on `document`, so the matrix
// fills whichever cell started the work.
import { engine } from '../lib/engine';
import type { SlotSummary } from '../../src/api/merge';
import { ADAPTERS_EVENT, SESSION, type AdapterSlot, type Column } from './settings';

export const CELL_EVENT = 'lora-switch-cell';
export const ACTIVE_EVENT = 'lora-switch-active';

export interface CellDetail { row: AdapterSlot; column: Column; value: number }
export interface UseResult { slot: AdapterSlot; swapMs: number; row: Partial<Record<Column, number>>; numTensors: number }

const announce = <T>(name: string, detail: T) => document.dispatchEvent(new CustomEvent<T>(name, { detail }));

/** Swap a slot's adapters into the shared base and evaluate every column. */
export async function useSlot(slot: AdapterSlot): Promise<UseResult> {
  const r = await engine().run('merge.use', { session: SESSION, slot }, (e) => {
    if (e.kind === 'cell') announce<CellDetail>(CELL_EVENT, { row: e.row, column: e.column, value: e.value });
  }).done;
  announce<UseResult>(ACTIVE_EVENT, r);
  return r;
}

/** Ask the worker which adapters the session holds, and tell every cell. */
export async function refreshSlots(): Promise<SlotSummary[]> {
  const slots = await engine().run('merge.list', { session: SESSION }).done;
  announce<SlotSummary[]>(ADAPTERS_EVENT, slots);
  return slots;
}

export function onCell(f: (d: CellDetail) => void): void {
  document.addEventListener(CELL_EVENT, (e) => f((e as CustomEvent<CellDetail>).detail));
}
/** After every swap, by any cell: which slot is in use and its scores. */
export function onActive(f: (r: UseResult) => void): void {
  document.addEventListener(ACTIVE_EVENT, (e) => f((e as CustomEvent<UseResult>).detail));
}
export function onSlots(f: (slots: SlotSummary[]) => void): void {
  document.addEventListener(ADAPTERS_EVENT, (e) => f((e as CustomEvent<SlotSummary[]>).detail));
}
