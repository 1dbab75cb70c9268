/**
 * What the collector does when it is stopped (SIGINT, SIGTERM) before it exits: every hook
 * registered here runs, and the process exits with the conventional status for the signal once
 * they have settled or their time is up. A hook undoes something the collection made outside its
 * own folder — a temp file being written (atomic-write.ts), a round trip's scratch database
 * (round-trip-check.ts) — and is removed again when that thing is gone. A SIGKILL runs nothing:
 * whatever a hook would have undone is found by the next collection (each owner says how).
 */
type Hook = { run: () => Promise<void> | void; budgetMs: number };

const hooks = new Set<Hook>();
let hooked = false;
let stopping = false;

/** Whether the collector was told to stop: work not yet begun is refused. */
export function isStopping(): boolean {
  return stopping;
}

/**
 * Runs `run` when the collector is stopped, allowing it `budgetMs` (the exit waits for the longest
 * budget of the hooks registered). Returns the function that unregisters it.
 */
export function onStop(run: Hook['run'], budgetMs = 2_000): () => void {
  install();
  const hook = { run, budgetMs };
  hooks.add(hook);
  return () => hooks.delete(hook);
}

function install(): void {
  if (hooked) return;
  hooked = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopping = true;
      // Conventional exit status for death by signal.
      const exit = () => process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      const running = [...hooks];
      const budget = Math.max(2_000, ...running.map((h) => h.budgetMs));
      setTimeout(exit, budget).unref();
      void Promise.allSettled(running.map(async (h) => h.run())).then(exit);
    });
  }
}
