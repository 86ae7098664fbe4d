// Preloaded into the Azurite child process: when the runtime that started it goes away (its IPC channel closes,
// e.g. the runtime was killed), Azurite shuts down gracefully instead of holding its ports.
process.on('disconnect', () => {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(0), 5000).unref();
});
