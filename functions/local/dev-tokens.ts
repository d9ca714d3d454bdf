import { chmod, writeFile } from 'node:fs/promises';
import { signHs256, type Hs256Options } from '../../shared/adapters/auth/hs256';
import { DEV_ACCOUNTS } from './dev-accounts';

const DEV_TOKEN_TTL_SECONDS = 30 * 86_400;

/** A bearer token per role (the demo accounts' roles and office, subject `dev-<role>`), signed with the runtime's secret, also written (0600) to `file` with the URL they are for. */
export async function writeDevTokens(hs256: Hs256Options, url: string, file: string): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const a of DEV_ACCOUNTS) {
    tokens[a.username] = await signHs256({ sub: `dev-${a.username}`, roles: a.roles, ...(a.office && { office: a.office }) }, { ...hs256, ttlSeconds: DEV_TOKEN_TTL_SECONDS });
  }
  await writeFile(file, `${JSON.stringify({ url, expiresInDays: DEV_TOKEN_TTL_SECONDS / 86_400, tokens }, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // mode applies only to a new file: an older, wider one is narrowed
  return tokens;
}
