import { ConfigError } from '../../shared/config';
import { startLocalRuntime } from './runtime';

/** `npm start`: the whole system on this machine. */
async function main() {
  // The SDK warns that its 2027 releases will need Node 22. Lambda runs Node 22; locally the
  // notice only alarms newcomers on every start. The README's requirements say it once.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const runtime = await startLocalRuntime();
  const line = '─'.repeat(72);
  console.log(`\n${line}\n Union case routing API is running\n\n  API   ${runtime.url}\n  Docs  ${runtime.url}/docs\n  Console ${runtime.url}/console/\n  Mail  ${runtime.mailbox.smtpPort !== undefined ? `smtp://${process.env.INBOUND_SMTP_HOST || '127.0.0.1'}:${runtime.mailbox.smtpPort} for ${runtime.mailbox.address}; ` : ''}.eml files dropped into ${runtime.mailbox.inboxDir}\n  Data  ${runtime.dataDir}\n\n Bearer tokens (also in ${runtime.dataDir}/dev-tokens.json):`);
  for (const [role, token] of Object.entries(runtime.tokens)) console.log(`\n  ${role.padEnd(10)} ${token}`);
  if (runtime.devAccounts.length) {
    console.log(`\n Console sign-in (username / password; also in ${runtime.dataDir}/dev-accounts.json):\n`);
    for (const a of runtime.devAccounts) console.log(`  ${a.username.padEnd(10)} ${a.password}${a.office ? `   (office ${a.office})` : ''}`);
  }
  console.log(`\n${line}\n`);
  // A graceful stop: requests in flight finish (up to 10 s), then the workers, then the engines.
  // A second signal, or a stop that hangs, ends the process at once.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log(`\n${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: finishing the requests in flight, then shutting down…`);
    setTimeout(() => {
      console.error('shutdown took too long; exiting');
      process.exit(1);
    }, HARD_STOP_MS).unref();
    runtime.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** The 10 s grace for requests plus time for the pollers and the engines to close. */
const HARD_STOP_MS = 25_000;

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
