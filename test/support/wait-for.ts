/**
 * Polls until `check` returns a non-null value `done` accepts. The deadline only turns a hang into a
 * readable failure; tests never assert on how long anything took.
 */
export async function waitFor<T>(
  check: () => Promise<T>,
  done: (value: NonNullable<T>) => boolean,
  what: string,
  deadlineMs = 30_000,
): Promise<NonNullable<T>> {
  const giveUpAt = Date.now() + deadlineMs;
  let last: T = await check();
  while (last === null || last === undefined || !done(last)) {
    if (Date.now() > giveUpAt) {
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
    last = await check();
  }
  return last;
}
