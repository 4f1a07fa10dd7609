/**
 * Stops the playground started by global-setup.js (its whole process group: SIGTERM, then SIGKILL after 10 s)
 * and removes its temporary folder (database, task files, secrets, log).
 */
const fs = require('node:fs');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const groupAlive = (pid) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

const signalGroup = (pid, signal) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
};

module.exports = async () => {
  const stateFile = process.env.DMC_E2E_STATE;
  if (!stateFile || !fs.existsSync(stateFile)) return;
  const { pid, tmp, logFile } = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  if (pid && groupAlive(pid)) {
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
    if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
  }
  // The server logs warnings and errors only (STRAPI_LOG_LEVEL=warn): show them, they explain failed flows.
  const logged = fs.existsSync(logFile)
    ? fs.readFileSync(logFile, 'utf8').split('\n').filter((line) => /\b(error|warn)/i.test(line))
    : [];
  if (logged.length > 0) console.log(`\n[e2e] the playground logged:\n${logged.slice(-40).join('\n')}`);
  if (process.env.DMC_E2E_KEEP_TMP) console.log(`[e2e] kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  delete process.env.DMC_E2E_STATE;
};

/** Last resort when jest dies without its teardown (Ctrl-C): the server must not outlive it. */
module.exports.killOnExit = (pid) => {
  const kill = () => signalGroup(pid, 'SIGKILL');
  process.once('exit', kill);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      kill();
      process.kill(process.pid, signal);
    });
  }
};
