/*
 * Matrix products for the engine's fast path on tfjs's WASM backend, with
 * relaxed-SIMD fused multiply-add (f32x4.relaxed_madd). The functions work in
 * the memory of tfjs's own WASM module (imported as env.memory): arguments are
 * byte offsets of row-major float32 matrices there. No stack, no globals, no
 * allocation: the caller (gemm.ts) allocates every buffer through tfjs.
 *
 * Why: tfjs 4.22's WASM build multiplies through XNNPACK without FMA (mul then
 * add). With FMA the same products run ~1.4× faster here. See README, "Speed
 * on machines without a GPU".
 *
 * Build: src/engine/fast/wasm/build.sh (clang ≥ 16, lld) → gemm.wasm.ts.
 */
#include <wasm_simd128.h>

typedef float f32x4_t __attribute__((__vector_size__(16), __aligned__(16)));
#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store(p, v)
#define SPLAT(p) wasm_v128_load32_splat(p)
#define LANE(v, i) wasm_i32x4_shuffle(v, v, i, i, i, i)
#define FMA(a, b, c) ((v128_t)__builtin_wasm_relaxed_madd_f32x4((f32x4_t)(a), (f32x4_t)(b), (f32x4_t)(c)))
#define ZERO wasm_f32x4_const_splat(0.f)

static inline v128_t act(v128_t v, int relu) { return relu ? wasm_f32x4_max(v, ZERO) : v; }
static inline float act1(float v, int relu) { return relu && !(v > 0.f) && v == v ? 0.f : v; }

/*
 * P = the first 8·⌊N/8⌋ columns of B [K×N] in strips of 8: P[s][k][0..7] = B[k][8s..8s+7].
 * Only the strips of columns [j0, j1) (j0 a multiple of 8): one thread's share.
 */
__attribute__((export_name("pack8")))
void pack8(const float* B, float* P, int K, int N, int j0, int j1) {
  P += j0 * K;
  for (int j = j0; j + 8 <= N && j < j1; j += 8) {
    const float* b = B + j;
    for (int k = 0; k < K; k++, b += N, P += 8) {
      ST(P, LD(b));
      ST(P + 4, LD(b + 4));
    }
  }
}

/* T [C×R] = transpose of A [R×C], in 4×4 blocks; only rows [i0, i1) of A (i0 a multiple of 4). */
__attribute__((export_name("transpose")))
void transpose(const float* A, float* T, int R, int C, int i0, int i1) {
  int i = i0;
  for (; i + 4 <= i1; i += 4) {
    int j = 0;
    for (; j + 4 <= C; j += 4) {
      const float* a = A + i * C + j;
      v128_t r0 = LD(a), r1 = LD(a + C), r2 = LD(a + 2 * C), r3 = LD(a + 3 * C);
      v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
      v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
      float* t = T + j * R + i;
      ST(t, wasm_i64x2_shuffle(t0, t1, 0, 2));
      ST(t + R, wasm_i64x2_shuffle(t0, t1, 1, 3));
      ST(t + 2 * R, wasm_i64x2_shuffle(t2, t3, 0, 2));
      ST(t + 3 * R, wasm_i64x2_shuffle(t2, t3, 1, 3));
    }
    for (; j < C; j++)
      for (int r = i; r < i + 4; r++) T[j * R + r] = A[r * C + j];
  }
  for (; i < i1; i++)
    for (int j = 0; j < C; j++) T[j * R + i] = A[i * C + j];
}

/* Columns j0.. of C = A·B (+ bias) (ReLU), reading B directly: the narrow remainder after the 8-wide strips. */
static void gemm_rest(const float* A, const float* B, float* C, int i0, int i1, int K, int N, int j, const float* bias, int relu) {
  for (; j + 4 <= N; j += 4) {
    for (int i = i0; i < i1; i++) {
      const float* a = A + i * K;
      const float* b = B + j;
      v128_t c = bias ? LD(bias + j) : ZERO;
      for (int k = 0; k < K; k++, b += N) c = FMA(SPLAT(a + k), LD(b), c);
      ST(C + i * N + j, act(c, relu));
    }
  }
  for (; j < N; j++) {
    for (int i = i0; i < i1; i++) {
      const float* a = A + i * K;
      const float* b = B + j;
      float c = bias ? bias[j] : 0.f;
      for (int k = 0; k < K; k++, b += N) c += a[k] * *b;
      C[i * N + j] = act1(c, relu);
    }
  }
}

/* Rows [i0, i1) of the 8-column strip j of C = A·B (+ bias) (ReLU); bs: the strip's start in B or P, step: its row stride. */
static inline __attribute__((always_inline)) void strip8(const float* A, const float* bs, int step, float* C, int K, int N, int j,
                                                         int i0, int i1, const float* bias, int relu) {
  const v128_t init0 = bias ? LD(bias + j) : ZERO, init1 = bias ? LD(bias + j + 4) : ZERO;
  int i = i0;
  for (; i + 4 <= i1; i += 4) {
    const float *a0 = A + i * K, *a1 = a0 + K, *a2 = a1 + K, *a3 = a2 + K;
    v128_t c00 = init0, c01 = init1, c10 = init0, c11 = init1, c20 = init0, c21 = init1, c30 = init0, c31 = init1;
    const float* b = bs;
    for (int k = 0; k < K; k++, b += step) {
      const v128_t b0 = LD(b), b1 = LD(b + 4);
      v128_t x = SPLAT(a0 + k);
      c00 = FMA(x, b0, c00); c01 = FMA(x, b1, c01);
      x = SPLAT(a1 + k);
      c10 = FMA(x, b0, c10); c11 = FMA(x, b1, c11);
      x = SPLAT(a2 + k);
      c20 = FMA(x, b0, c20); c21 = FMA(x, b1, c21);
      x = SPLAT(a3 + k);
      c30 = FMA(x, b0, c30); c31 = FMA(x, b1, c31);
    }
    float* c = C + i * N + j;
    ST(c, act(c00, relu)); ST(c + 4, act(c01, relu)); c += N;
    ST(c, act(c10, relu)); ST(c + 4, act(c11, relu)); c += N;
    ST(c, act(c20, relu)); ST(c + 4, act(c21, relu)); c += N;
    ST(c, act(c30, relu)); ST(c + 4, act(c31, relu));
  }
  for (; i < i1; i++) {
    const float* a0 = A + i * K;
    v128_t c00 = init0, c01 = init1;
    const float* b = bs;
    for (int k = 0; k < K; k++, b += step) {
      const v128_t x = SPLAT(a0 + k);
      c00 = FMA(x, LD(b), c00); c01 = FMA(x, LD(b + 4), c01);
    }
    float* c = C + i * N + j;
    ST(c, act(c00, relu)); ST(c + 4, act(c01, relu));
  }
}

/* Below this many terms per sum, writing C costs more than computing it: C is then written in address order. */
#define SHORT_K 32

/*
 * C [M×N] = A [M×K] · B [K×N] (+ bias [N]) (then ReLU if relu ≠ 0); only the
 * block rows [i0, i1) × columns [j0, j1) of C, so that threads can share a
 * product (j0 a multiple of 8; j1 a multiple of 8 or N). Every element of C is
 * computed by the same operations in the same order whatever the block, so a
 * product split between threads is bit-for-bit the product of one thread.
 * P: B's 8-column strips packed by pack8, or 0 to read them from B.
 * 4×8 register tiles: 8 accumulators, 2 loads of B and 4 broadcasts of A per k.
 * Long sums go strip by strip (a strip of B stays in cache for every row of
 * A); short ones row block by row block, so that C is written in address
 * order, which the hardware prefetcher follows (strip order measured 4× slower
 * for a 64×4 · 4×2000 product written to memory not in cache).
 */
__attribute__((export_name("gemm")))
void gemm(const float* A, const float* P, const float* B, float* C, int M, int K, int N, const float* bias, int relu,
          int i0, int i1, int j0, int j1) {
  const int N8 = N - N % 8;
  const int je = j1 < N8 ? j1 : N8;
  const int step = P ? 8 : N;
  (void)M;
  if (K < SHORT_K) {
    for (int i = i0; i < i1; i += 4) {
      const int ie = i + 4 < i1 ? i + 4 : i1;
      for (int j = j0; j < je; j += 8) strip8(A, P ? P + j * K : B + j, step, C, K, N, j, i, ie, bias, relu);
    }
  } else {
    for (int j = j0; j < je; j += 8) strip8(A, P ? P + j * K : B + j, step, C, K, N, j, i0, i1, bias, relu);
  }
  if (j1 > N8) gemm_rest(A, B, C, i0, i1, K, N, N8, bias, relu);
}

/*
 * C [M×N] = Aᵀ · B for A [K×M], B [K×N] (gradients of weights: xᵀ·dy); only
 * the block rows [i0, i1) × columns [j0, j1) of C, as in gemm.
 * P: B's strips packed by pack8, or 0. Rows of A are read 4 at a time and each
 * lane broadcast, so no transpose of A is needed.
 */
__attribute__((export_name("gemm_tn")))
void gemm_tn(const float* A, const float* P, const float* B, float* C, int M, int K, int N, int i0, int i1, int j0, int j1) {
  const int N8 = N - N % 8;
  const int je = j1 < N8 ? j1 : N8;
  int j = j0;
  for (; j < je; j += 8) {
    const float* bs = P ? P + j * K : B + j;
    const int step = P ? 8 : N;
    int i = i0;
    for (; i + 4 <= i1; i += 4) {
      v128_t c00 = ZERO, c01 = ZERO, c10 = ZERO, c11 = ZERO, c20 = ZERO, c21 = ZERO, c30 = ZERO, c31 = ZERO;
      const float* a = A + i;
      const float* b = bs;
      for (int k = 0; k < K; k++, a += M, b += step) {
        const v128_t b0 = LD(b), b1 = LD(b + 4), av = LD(a);
        v128_t x = LANE(av, 0);
        c00 = FMA(x, b0, c00); c01 = FMA(x, b1, c01);
        x = LANE(av, 1);
        c10 = FMA(x, b0, c10); c11 = FMA(x, b1, c11);
        x = LANE(av, 2);
        c20 = FMA(x, b0, c20); c21 = FMA(x, b1, c21);
        x = LANE(av, 3);
        c30 = FMA(x, b0, c30); c31 = FMA(x, b1, c31);
      }
      float* c = C + i * N + j;
      ST(c, c00); ST(c + 4, c01); c += N;
      ST(c, c10); ST(c + 4, c11); c += N;
      ST(c, c20); ST(c + 4, c21); c += N;
      ST(c, c30); ST(c + 4, c31);
    }
    for (; i < i1; i++) {
      v128_t c00 = ZERO, c01 = ZERO;
      const float* a = A + i;
      const float* b = bs;
      for (int k = 0; k < K; k++, a += M, b += step) {
        const v128_t x = SPLAT(a);
        c00 = FMA(x, LD(b), c00); c01 = FMA(x, LD(b + 4), c01);
      }
      float* c = C + i * N + j;
      ST(c, c00); ST(c + 4, c01);
    }
  }
  if (j1 <= N8) return;
  j = N8;
  for (; j + 4 <= N; j += 4) {
    for (int i = i0; i < i1; i++) {
      v128_t c = ZERO;
      const float* a = A + i;
      const float* b = B + j;
      for (int k = 0; k < K; k++, a += M, b += N) c = FMA(SPLAT(a), LD(b), c);
      ST(C + i * N + j, c);
    }
  }
  for (; j < N; j++) {
    for (int i = i0; i < i1; i++) {
      float c = 0.f;
      for (int k = 0; k < K; k++) c += A[k * M + i] * B[k * N + j];
      C[i * N + j] = c;
    }
  }
}

/*
 * One MR×NR block of C = A·Tᵀ: dot products of MR rows of A with NR rows of T,
 * both contiguous, four k at a time (MR·NR independent accumulators).
 */
static inline __attribute__((always_inline)) void nt_block(const float* A, const float* T, float* C, int K, int N, int i, int j,
                                                           const int MR, const int NR, const float* bias, int relu) {
  v128_t acc[4][2];
  for (int r = 0; r < MR; r++)
    for (int s = 0; s < NR; s++) acc[r][s] = ZERO;
  int k = 0;
  for (; k + 4 <= K; k += 4) {
    v128_t t[2];
    for (int s = 0; s < NR; s++) t[s] = LD(T + (j + s) * K + k);
    for (int r = 0; r < MR; r++) {
      const v128_t a = LD(A + (i + r) * K + k);
      for (int s = 0; s < NR; s++) acc[r][s] = FMA(a, t[s], acc[r][s]);
    }
  }
  for (int r = 0; r < MR; r++) {
    for (int s = 0; s < NR; s++) {
      const v128_t v = acc[r][s];
      float c = (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) + (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
      for (int kk = k; kk < K; kk++) c += A[(i + r) * K + kk] * T[(j + s) * K + kk];
      if (bias) c += bias[j + s];
      C[(i + r) * N + j + s] = act1(c, relu);
    }
  }
}

/*
 * C [M×N] = A [M×K] · Tᵀ (+ bias) (ReLU) for T [N×K]: for narrow products
 * (N < 16: a rank-r factor, the 10 logits), where 8-column strips would be
 * mostly empty. Both operands are read along rows.
 */
__attribute__((export_name("gemm_nt")))
void gemm_nt(const float* A, const float* T, float* C, int M, int K, int N, const float* bias, int relu) {
  int i = 0;
  for (; i + 4 <= M; i += 4) {
    int j = 0;
    for (; j + 2 <= N; j += 2) nt_block(A, T, C, K, N, i, j, 4, 2, bias, relu);
    if (j < N) nt_block(A, T, C, K, N, i, j, 4, 1, bias, relu);
  }
  for (; i < M; i++) {
    int j = 0;
    for (; j + 2 <= N; j += 2) nt_block(A, T, C, K, N, i, j, 1, 2, bias, relu);
    if (j < N) nt_block(A, T, C, K, N, i, j, 1, 1, bias, relu);
  }
}

/* out = g where y > 0, else 0: the gradient through a ReLU whose output was y. */
__attribute__((export_name("relu_grad")))
void relu_grad(const float* g, const float* y, float* out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) ST(out + i, wasm_v128_and(LD(g + i), wasm_f32x4_gt(LD(y + i), ZERO)));
  for (; i < n; i++) out[i] = y[i] > 0.f ? g[i] : 0.f;
}

/*
 * One Adam step for one variable, with every operation rounded to float32 in
 * the order tf.train.adam performs them (so the weights are bit-identical to
 * tfjs's):
 *   m' = m·β₁ + g·(1−β₁)        v' = v·β₂ + g²·(1−β₂)
 *   p' = (m'/c₁) / (√(v'/c₂) + ε) · (−lr) + p,   c₁ = 1−β₁ᵗ, c₂ = 1−β₂ᵗ
 * Separate multiplies and adds, never fused (tfjs has no FMA here).
 */
__attribute__((export_name("adam")))
void adam(const float* p, const float* m, const float* v, const float* g, float* p1, float* m1, float* v1, int n,
          float b1, float omb1, float b2, float omb2, float c1, float c2, float eps, float neglr) {
  const v128_t B1 = wasm_f32x4_splat(b1), OMB1 = wasm_f32x4_splat(omb1), B2 = wasm_f32x4_splat(b2), OMB2 = wasm_f32x4_splat(omb2);
  const v128_t C1 = wasm_f32x4_splat(c1), C2 = wasm_f32x4_splat(c2), EPS = wasm_f32x4_splat(eps), NEGLR = wasm_f32x4_splat(neglr);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gi = LD(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(LD(m + i), B1), wasm_f32x4_mul(gi, OMB1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(LD(v + i), B2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), OMB2));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_div(mi, C1), wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vi, C2)), EPS));
    ST(m1 + i, mi);
    ST(v1 + i, vi);
    ST(p1 + i, wasm_f32x4_add(wasm_f32x4_mul(step, NEGLR), LD(p + i)));
  }
  for (; i < n; i++) {
    const float mi = m[i] * b1 + g[i] * omb1;
    const float vi = v[i] * b2 + (g[i] * g[i]) * omb2;
    m1[i] = mi;
    v1[i] = vi;
    p1[i] = ((mi / c1) / (__builtin_sqrtf(vi / c2) + eps)) * neglr + p[i];
  }
}

/*
 * C [M×N] += s · U [M×R] · V [R×N] (then ReLU): a rank-R term added to a
 * product just written to C (still in cache), as LoRA adds s·(x·Aᵀ)·Bᵀ to x·W₀ᵀ + b.
 * Only the block rows [i0, i1) × columns [j0, j1) of C, as in gemm.
 */
__attribute__((export_name("lowrank_add")))
void lowrank_add(const float* U, const float* V, float* C, int M, int R, int N, float s, int relu, int i0, int i1, int j0, int j1) {
  (void)M;
  const int N8 = N - N % 8;
  const int je = j1 < N8 ? j1 : N8;
  for (int i = i0; i < i1; i++) {
    const float* u = U + i * R;
    float* c = C + i * N;
    int j = j0;
    for (; j < je; j += 8) {
      v128_t c0 = LD(c + j), c1 = LD(c + j + 4);
      const float* v = V + j;
      for (int k = 0; k < R; k++, v += N) {
        const v128_t x = wasm_f32x4_splat(s * u[k]);
        c0 = FMA(x, LD(v), c0);
        c1 = FMA(x, LD(v + 4), c1);
      }
      ST(c + j, act(c0, relu));
      ST(c + j + 4, act(c1, relu));
    }
    if (j1 <= N8) continue;
    for (j = N8; j < N; j++) {
      float t = c[j];
      for (int k = 0; k < R; k++) t += (s * u[k]) * V[k * N + j];
      c[j] = act1(t, relu);
    }
  }
}

/* p [n] *= s, in place. */
__attribute__((export_name("scale")))
void scale(float* p, int n, float s) {
  const v128_t S = wasm_f32x4_splat(s);
  int i = 0;
  for (; i + 4 <= n; i += 4) ST(p + i, wasm_f32x4_mul(LD(p + i), S));
  for (; i < n; i++) p[i] *= s;
}
