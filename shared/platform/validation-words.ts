import type { z } from 'zod';

/** zod's own wording ("Too big: expected number to be <=720"); messages a schema gives itself are kept as they are. */
const VALIDATOR_WORDING = /^(Too big|Too small|Invalid|Unrecognized key|Expected)/;

const UNITS: Record<string, [string, string]> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
  set: ['item', 'items'],
  file: ['byte', 'bytes'],
};

function count(n: number | bigint, origin: string): string {
  const unit = UNITS[origin];
  if (!unit) return String(n);
  return `${String(n)} ${Number(n) === 1 ? unit[0] : unit[1]}`;
}

const FORMATS: Record<string, string> = {
  email: 'an email address, like name@example.com',
  url: 'a web address starting with https://',
  uuid: 'an id',
  datetime: 'a date and time, like 2026-05-01T09:00:00Z',
  date: 'a date, like 2026-05-01',
  time: 'a time, like 09:30',
  regex: 'in the expected format',
};

const TYPES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no',
  array: 'a list',
  object: 'a group of fields',
};

/**
 * The one mapping from the validator's issues to words for people ("must be at most 720", "must be an email
 * address, like name@example.com"). Field errors of every problem+json use it; the web app shows them as they are.
 */
export function plainIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom' || !VALIDATOR_WORDING.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_big': {
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set')
        return `must be at most ${count(issue.maximum, issue.origin)}`;
      return issue.inclusive === false
        ? `must be less than ${String(issue.maximum)}`
        : `must be at most ${String(issue.maximum)}`;
    }
    case 'too_small': {
      if ((issue.origin === 'string' || issue.origin === 'array') && Number(issue.minimum) === 1)
        return issue.origin === 'string' ? 'must not be empty' : 'needs at least one item';
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set')
        return `must be at least ${count(issue.minimum, issue.origin)}`;
      return issue.inclusive === false
        ? `must be more than ${String(issue.minimum)}`
        : `must be at least ${String(issue.minimum)}`;
    }
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${TYPES[issue.expected] ?? issue.expected}`;
    case 'invalid_format':
      return `must be ${FORMATS[issue.format] ?? 'in the expected format'}`;
    case 'invalid_value':
      return issue.values.length <= 6
        ? `must be one of: ${issue.values.map((v) => String(v)).join(', ')}`
        : 'is not one of the allowed values';
    case 'unrecognized_keys':
      return `${issue.keys.length === 1 ? 'is a field' : 'are fields'} this request does not take: ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return 'is not valid';
  }
}
