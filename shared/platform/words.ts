/** Words for people that several contexts use: counts with the right plural, intervals said the way people say them. */

const rules = new Intl.PluralRules('en');

/** "1 email", "3 emails": the count with the word the language's plural rules choose. */
export function plural(count: number, one: string, other: string): string {
  return `${count} ${rules.select(count) === 'one' ? one : other}`;
}

/** "once an hour", "every 15 minutes", "every 2 hours", "once a day": how often a gap of `minutes` lets something run. */
export function intervalWords(minutes: number): string {
  if (minutes === 60) return 'once an hour';
  if (minutes === 24 * 60) return 'once a day';
  if (minutes % (24 * 60) === 0) return `every ${plural(minutes / (24 * 60), 'day', 'days')}`;
  if (minutes % 60 === 0) return `every ${plural(minutes / 60, 'hour', 'hours')}`;
  return minutes === 1 ? 'once a minute' : `every ${plural(minutes, 'minute', 'minutes')}`;
}
