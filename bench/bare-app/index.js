// The cold-start baseline: @azure/functions and one HTTP function, nothing else.
const { app } = require('@azure/functions');
app.http('hello', { handler: async () => ({ body: 'hello' }) });
