// `npm run bench` times /attention/'s transformer next to the MLP (issue 17): the rows it measures, the table it
// prints, and the --models option that picks the models.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/engine/index';
import { runGptBenchmarks } from '../../src/engine/gptBenchmark';
import { formatTable } from '../../src/engine/fast/report';
import { parseArgs } from '../../scripts/bench-page/args';
import { useWasm } from './helpers';

beforeAll(useWasm);

describe('the transformer in the benchmark', () => {
  it('times a LoRA r=4 step on W_q, W_k, W_v, W_o, a full step and a forward pass, per path, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const r = await runGptBenchmarks({ reps: 2, warmup: 1, log: (l) => lines.push(l) });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.backend).toBe('wasm');
    expect(r.batch).toBe(32);
    expect(r.rows.map((row) => `${row.path} ${row.name}`)).toEqual([
      'reference forward', 'reference lora r=4', 'reference full', 'fast forward', 'fast lora r=4', 'fast full',
    ]);
    for (const row of r.rows) {
      expect(row.samples).toHaveLength(2);
      expect(row.ms).toBeGreaterThan(0);
      expect(row.bytes).toBeGreaterThan(0);
    }
    // Memory: the LoRA step holds the adapters and their Adam state on top of the base; the full step Adam state for every weight.
    const bytes = (name: string) => r.rows.find((row) => row.path === 'fast' && row.name === name)!.bytes;
    expect(bytes('full')).toBeGreaterThan(bytes('lora r=4'));
    expect(bytes('lora r=4')).toBeGreaterThan(bytes('forward'));
    expect(lines).toHaveLength(6);

    const table = formatTable(r);
    expect(table).toMatch(/^backend wasm: tiny GPT \(\/attention\/\): d 64, 2 blocks, 4 heads, context 16; LoRA on W_q, W_k, W_v, W_o of every block, batch 32;/);
    expect(table).toMatch(/\n {2}lora r=4 step +[\d.]+ \([\d.]+–[\d.]+\) +[\d.]+ \(/);
    expect(table).toMatch(/\n {2}forward \(base\) /);
    expect(table).toMatch(/\n {2}full FT step /);
    // The MLP's targets are not claimed for the transformer; its own (issue 17's ≤ 30 ms on WASM) is.
    expect(table).not.toMatch(/target ≤ 0.4/);
    expect(table).toMatch(/LoRA r=4 step [\d.]+ ms \(issue 17's target on WASM: ≤ 30 ms/);
  }, 120_000);

  it('--models picks the MLP, the transformer or both (both by default) and refuses anything else', () => {
    expect(parseArgs([]).models).toEqual(['mlp', 'gpt']);
    expect(parseArgs(['--models=gpt']).models).toEqual(['gpt']);
    expect(() => parseArgs(['--models=gtp'])).toThrow(/--models: unknown gtp \(choose from mlp, gpt\)/);
  });
});
