#!/usr/bin/env node
// Ctrl-C (or SIGTERM) is caught from the start: one while the CLI is still loading counts as the first one (the
// command stops as soon as it starts; a second one exits at once). The listener stays installed throughout, since
// removing a signal's last listener and adding another can lose a signal that arrives in between.
const signals = { count: 0, listener: undefined };
const onSignal = () => {
  signals.count++;
  if (signals.listener) signals.listener();
  else if (signals.count > 1) process.exit(130);
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
let cli;
try {
  cli = await import("../dist/cli/main.js");
} catch (error) {
  // A checkout of the repository that was not built yet: say so instead of a stack.
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli/main.js")) {
    process.stderr.write("lakehouse: this copy of @lakehouse-contracts/runtime is not built: run `npm run build`\n");
    process.exit(2);
  }
  throw error;
}
await cli.run(signals);
