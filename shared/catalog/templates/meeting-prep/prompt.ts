export const MEETING_PREP_PROMPT_VERSION = 'meeting-prep@1';

export const MEETING_PREP_INSTRUCTIONS = `Prepare the person for their upcoming meetings.
For every <data kind="event"> write one brief: eventId, a short summary of what the meeting is about and who attends,
the ids of related <data kind="mail"> and <data kind="document"> sections (same topic or same people), and up to five
talking points drawn from that material. Do not invent facts; say when there is no related material.`;
