// The "show the code" view of /mlp/: the function extracted from the engine's
// source must be the readable LoRA forward pass, whatever else lora.ts holds.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loraForwardSource, topLevelFunctions } from '../../components/mlp/extract-function';
import { codeToHtml } from '../../components/mlp/code-html';

const LORA_TS = readFileSync('src/engine/lora.ts', 'utf8');

describe('extracting the LoRA forward pass from src/engine/lora.ts', () => {
  it('finds a complete function that multiplies x by Aᵀ and then by Bᵀ', () => {
    const fn = loraForwardSource(LORA_TS);
    expect(fn.text).toMatch(/^(\/\*\*|\/\/|export function)/);
    expect(fn.text).toMatch(/function \w+\(/);
    expect(fn.text).toMatch(/matMul\(\s*x\s*,\s*\w+\.At\s*\)/);
    expect(fn.text).toMatch(/\.Bt\b/);
    expect(fn.text).toMatch(/scale/);
    expect(fn.text.trimEnd().endsWith('}')).toBe(true);
    // Balanced braces: the whole body and nothing after it.
    const opens = (fn.text.match(/\{/g) ?? []).length;
    const closes = (fn.text.match(/\}/g) ?? []).length;
    expect(opens).toBe(closes);
    expect(fn.text).not.toMatch(/export class/);
  });

  it('prefers loraDense while it is the readable version', () => {
    if (/export function loraDense[\s\S]*?matMul\(x, adapter\.At\)[\s\S]*?\n\}/.test(LORA_TS)) {
      expect(loraForwardSource(LORA_TS).name).toBe('loraDense');
    }
  });

  it('falls back to the readable function when loraDense only wraps a fast path', () => {
    const src = [
      '/** Reference. */',
      'export function loraDenseReference(x: T, kernel: T, bias: T, adapter: A): T {',
      '  const down = tf.matMul(x, adapter.At);',
      '  return tf.add(tf.add(tf.matMul(x, kernel), bias), tf.mul(tf.matMul(down, adapter.Bt), adapter.scale));',
      '}',
      '',
      'export function loraDense(x: T, kernel: T, bias: T, adapter: A): T {',
      '  return fastLoraDense(x, kernel, bias, adapter);',
      '}',
    ].join('\n');
    const fn = loraForwardSource(src);
    expect(fn.name).toBe('loraDenseReference');
    expect(fn.text.startsWith('/** Reference. */')).toBe(true);
    expect(topLevelFunctions(src).map((f) => f.name)).toEqual(['loraDenseReference', 'loraDense']);
  });

  it('fails loudly when no function computes the LoRA product', () => {
    expect(() => loraForwardSource('export function f() {\n  return 1;\n}\n')).toThrow(/No function/);
  });
});

describe('codeToHtml', () => {
  it('escapes the code and marks comments', () => {
    expect(codeToHtml('const a = b < c; // x<y')).toBe('const a = b &lt; c; <span class="c">// x&lt;y</span>');
    expect(codeToHtml('/**\n * doc & more\n */\nf();')).toBe(
      '<span class="c">/**</span>\n<span class="c"> * doc &amp; more</span>\n<span class="c"> */</span>\nf();');
  });
});
