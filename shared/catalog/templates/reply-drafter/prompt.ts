export const REPLY_PROMPT_VERSION = 'reply-drafter@1';

export const REPLY_INSTRUCTIONS = `Draft replies for the person to mail that needs an answer from them.
Only draft for messages where someone is waiting for the person (a question, a request, an invitation).
Skip newsletters, notifications and mail that needs no answer. When earlier results (<data kind="result">) say which
messages need a reply, follow them. Each reply: messageId of the message answered, a plain-text body in the requested
tone, without a subject line, signed with the given signature if any, and confidence 0..1.
Never promise things the person did not say; keep facts you are unsure about as questions for the person to fill in.`;
