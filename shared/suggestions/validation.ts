import { describeFieldErrors, fieldErrorsOf, fieldPath, ValidationError, type FieldError } from '../platform/errors';
import { proposalSchema, SUGGESTION_PAYLOADS, type Proposal, type SuggestionKind } from './kinds';

/** Every proposal of a run, checked before anything is stored: a bad proposal stores none of the run's. */
export function parseProposals(proposals: Proposal[]): Proposal[] {
  return proposals.map((raw, index) => {
    const parsed = proposalSchema.safeParse(raw);
    if (!parsed.success)
      throw ValidationError.fromZod(parsed.error, ['proposals', index], `Proposal ${index} is not valid`);
    return parsed.data as Proposal;
  });
}

/**
 * The payload after the person's edits, valid for the suggestion's kind. Unknown fields and changes to what the
 * suggestion is about (connector, message, thread) are refused with the field that is wrong.
 */
export function validateEdits(
  kind: SuggestionKind,
  payload: Record<string, unknown>,
  edits: Record<string, unknown>,
): Record<string, unknown> {
  const schema = SUGGESTION_PAYLOADS[kind];
  const known = new Set(Object.keys(schema.shape));
  const errors: FieldError[] = Object.keys(edits)
    .filter((key) => !known.has(key))
    .map((key) => ({ path: fieldPath('edits', key), message: `not a field of a ${kind} suggestion` }));
  for (const fixed of ['connectorId', 'messageId', 'threadId'] as const) {
    if (fixed in edits && edits[fixed] !== payload[fixed])
      errors.push({ path: fieldPath('edits', fixed), message: 'cannot be changed' });
  }
  const parsed = schema.safeParse({ ...payload, ...edits });
  if (!parsed.success) errors.push(...fieldErrorsOf(parsed.error, 'edits'));
  if (errors.length > 0) throw new ValidationError(describeFieldErrors(errors), errors);
  return parsed.data as Record<string, unknown>;
}
