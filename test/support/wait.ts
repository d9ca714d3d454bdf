/**
 * Polls `probe` every 100 ms until `done` holds or `ms` pass; returns the last value either way,
 * so the test's own assertion on it says what was wrong.
 */
export async function waitFor<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  let v = await probe();
  while (!done(v) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    v = await probe();
  }
  return v;
}
