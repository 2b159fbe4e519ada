const DAY_MS = 86_400_000;
const DAY_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` of the UTC day containing `now`; budgets reset at UTC midnight. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function isUtcDay(text: string): boolean {
  return DAY_FORMAT.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

/** Midnight UTC at the end of `day`, when that day's budget resets. */
export function dayEnd(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS);
}

export { DAY_MS };
