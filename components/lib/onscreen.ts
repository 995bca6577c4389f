// Viewport helpers for live cells (like Distill's d-figure): start heavy work
// only when a cell comes near the screen, and pause it while it is offscreen.

/** Run `fn` in a task of its own, so that several cells starting at once do not make one long task. */
export const inOwnTask = (fn: () => void) => void setTimeout(fn, 0);

/** Call `cb` once when `el` comes within `margin` (default: one viewport) of the screen. Returns a cancel function. */
export function whenNear(el: Element, cb: () => void, margin = '100% 0px'): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    cb();
    return () => {};
  }
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) {
      io.disconnect();
      inOwnTask(cb);
    }
  }, { rootMargin: margin });
  io.observe(el);
  return () => io.disconnect();
}

/** Resolve with `load()`'s result once `el` is near the screen (for dynamic imports). */
export function loadWhenNear<T>(el: Element, load: () => Promise<T>, margin?: string): Promise<T> {
  return new Promise<T>((resolve, reject) => whenNear(el, () => load().then(resolve, reject), margin));
}

/** Call `cb(true)` when any part of `el` is on screen and `cb(false)` when none is (or the tab is hidden). */
export function onVisibilityChange(el: Element, cb: (visible: boolean) => void): () => void {
  let onScreen = false;
  let last: boolean | undefined;
  const emit = () => {
    const v = onScreen && document.visibilityState === 'visible';
    if (v !== last) cb((last = v));
  };
  const io = new IntersectionObserver((entries) => {
    onScreen = entries[entries.length - 1].isIntersecting;
    emit();
  });
  io.observe(el);
  document.addEventListener('visibilitychange', emit);
  return () => {
    io.disconnect();
    document.removeEventListener('visibilitychange', emit);
  };
}
