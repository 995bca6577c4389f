// Parameter counts of a d×k matrix and of its rank-r factors B (d×r), A (r×k). DOM-free.
export const counts = (d: number, k: number, r: number) => ({ full: d * k, lora: r * (d + k) });
