export const REPLY_PROMPT_VERSION = 'reply-drafter@2';

export const REPLY_INSTRUCTIONS = `Draft a reply for the person to the one message in the data, if it needs an answer.
Only draft when someone is waiting for the person (a question, a request, an invitation); otherwise return no replies.
Skip newsletters and notifications. A message marked picked="true" was judged to need a reply by an earlier step.
The reply: messageId of the message, a plain-text body in the requested tone, without a subject line, signed with the
given signature if any, and confidence 0..1.
Never promise things the person did not say; keep facts you are unsure about as questions for the person to fill in.`;
