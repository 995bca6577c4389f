// The parameter cell's URL state (prefix "mp"): rank and the adapted layers (1-based).
import type { Schema } from '../lib/state';

export const PARAM_DEFAULTS = { rank: 1, maxRank: 64, layers: ['1', '2', '3'] } as const;

export const paramSchema = {
  rank: { kind: 'int', min: 1, max: PARAM_DEFAULTS.maxRank, default: PARAM_DEFAULTS.rank, label: 'Rank r' },
  layers: { kind: 'set', options: ['1', '2', '3'], default: PARAM_DEFAULTS.layers, label: 'Layers' },
} as const satisfies Schema;
