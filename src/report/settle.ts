/**
 * Waiting for background sends at shutdown, within a bound: a slow chat
 * service or forge must not hold the daemon's exit (the process has its own
 * shutdown deadline, and a lost notification beats a hung stop).
 */

/** Resolves when `work` settles or after `timeoutMs`, whichever comes first; never rejects. */
export async function settleWithin(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.then(() => undefined, () => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
