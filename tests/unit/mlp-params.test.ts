// The /mlp/ parameter cell's numbers, against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { paramView } from '../../components/mlp/param-view';

const SIZES = [784, 1000, 2000, 10];

describe('paramView', () => {
  it('rank 1 on all three layers: 6,794 adapter parameters on a 2,807,010-parameter base', () => {
    const v = paramView(SIZES, [1, 2, 3], 1);
    // 784·1000 + 1000 + 1000·2000 + 2000 + 2000·10 + 10
    expect(v.base).toBe('2,807,010');
    // 1·(1000+784) + 1·(2000+1000) + 1·(10+2000)
    expect(v.adapter).toBe('6,794');
    expect(v.total).toBe('2,813,804');
    expect(v.trainable).toBe('0.24% of the adapted model’s 2,813,804 parameters.');
    expect(v.rows.map((r) => r.adapterCount)).toEqual(['1,784', '3,000', '2,010']);
    expect(v.rows.map((r) => r.baseCount)).toEqual(['785,000', '2,002,000', '20,010']);
  });

  it('uses the paper’s shapes: W₀ is d×k (outputs × inputs), B is d×r, A is r×k', () => {
    const v = paramView(SIZES, [1, 2, 3], 4);
    expect(v.rows[0].base).toBe('W₀ 1000×784 + b 1000');
    expect(v.rows[2].base).toBe('W₀ 10×2000 + b 10');
    expect(v.rows[2].adapter).toBe('B 10×4 · A 4×2000');
    expect(v.rows[1].adapterCount).toBe('12,000');
  });

  it('counts only the layers chosen', () => {
    const v = paramView(SIZES, [3], 8);
    expect(v.adapter).toBe('16,080'); // 8·(10+2000)
    expect(v.rows[0]).toMatchObject({ adapted: false, adapter: 'no adapter', adapterCount: '0' });
    const none = paramView(SIZES, [], 8);
    expect(none.adapter).toBe('0');
    expect(none.trainable).toMatch(/nothing/);
    expect(none.adamSaving).toBe('—');
  });

  it('fp32 memory: weights, gradients and two Adam moments, LoRA against full fine-tuning', () => {
    const v = paramView(SIZES, [1, 2, 3], 1);
    const row = (what: string) => v.memory.find((m) => m.what === what)!;
    expect(row('Trained weights')).toEqual({ what: 'Trained weights', lora: '27.2 kB', full: '11.2 MB' }); // 6,794·4 B; 2,807,010·4 B
    expect(row('Adam’s two moments')).toMatchObject({ lora: '54.4 kB', full: '22.5 MB' }); // ·8 B
    expect(row('Frozen weights')).toMatchObject({ lora: '11.2 MB', full: '0 B' });
    expect(row('Total')).toMatchObject({ lora: '11.3 MB', full: '44.9 MB' }); // 4·(2,807,010 + 4·6,794) B; 16·2,807,010 B
    expect(v.adamSaving).toBe('413×'); // 2,807,010 / 6,794 = 413.2
  });

  it('says when a rank is more than the last layer can use', () => {
    const at9 = paramView(SIZES, [3], 9);
    expect(at9.rows[2].note).toBe('');
    const at10 = paramView(SIZES, [3], 10); // 10·2010 = 20,100 ≥ 10·2000
    expect(at10.rows[2].note).toMatch(/more numbers than W₀ itself \(20,000\)/);
    const at11 = paramView(SIZES, [3], 11);
    expect(at11.rows[2].note).toMatch(/rank is at most 10/);
    expect(at11.rows[0].note).toBe('');
  });
});
