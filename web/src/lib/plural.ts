const rules = new Intl.PluralRules('en');

/** "1 email", "3 emails": the count with the right word, chosen by the language's plural rules. */
export function plural(count: number, one: string, other: string): string {
  return `${new Intl.NumberFormat().format(count)} ${rules.select(count) === 'one' ? one : other}`;
}
