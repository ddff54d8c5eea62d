/**
 * A timer whose zero delay means "the next turn of the event loop": Node clamps setTimeout(fn, 0)
 * to at least 1 ms, which the engine and the speaker would each add to every change they pass on.
 */
type TimerHandle = { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout };

export function startTimer(fn: () => void, ms: number, options: { unref?: boolean } = {}): TimerHandle {
  if (ms <= 0) {
    // Never unref-ed: an unref-ed immediate waits until something else wakes the event loop (it
    // does not keep libuv's check phase armed), and one turn cannot keep a process alive anyway.
    return { immediate: setImmediate(fn) };
  }
  const timeout = setTimeout(fn, ms);
  // A pending timer of this kind must not keep a finished CLI process alive.
  if (options.unref) timeout.unref();
  return { timeout };
}

export function stopTimer(handle: unknown): void {
  const h = handle as TimerHandle | undefined;
  if (h === undefined) return;
  if ('immediate' in h) clearImmediate(h.immediate);
  else clearTimeout(h.timeout);
}
