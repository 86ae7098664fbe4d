// Preloaded into the Azurite child process: when the runtime that started it goes away (its IPC channel closes,
// e.g. the runtime was killed), Azurite shuts down gracefully instead of holding its ports.
// The channel must not keep Azurite alive once it has shut down on SIGTERM.
process.channel?.unref();
process.on('disconnect', () => {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(0), 5000).unref();
});
