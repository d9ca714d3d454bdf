import { chmod, writeFile } from 'node:fs/promises';
import { signHs256, type Hs256Options } from '../../shared/adapters/auth/hs256';
import type { Role } from '../../shared/domain/principal';

/** Ready-made identities for trying the API: one per role. */
const DEV_IDENTITIES: { name: string; sub: string; roles: Role[]; office?: string }[] = [
  { name: 'operator', sub: 'dev-operator', roles: ['operator'] },
  { name: 'reception', sub: 'dev-reception', roles: ['reception'] },
  { name: 'office', sub: 'dev-office', roles: ['office'], office: 'rights' },
  { name: 'supervisor', sub: 'dev-supervisor', roles: ['supervisor'] },
  { name: 'admin', sub: 'dev-admin', roles: ['admin'] },
];
const DEV_TOKEN_TTL_SECONDS = 30 * 86_400;

/** A bearer token per role, signed with the runtime's secret, also written (0600) to `file` with the URL they are for. */
export async function writeDevTokens(hs256: Hs256Options, url: string, file: string): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const id of DEV_IDENTITIES) {
    tokens[id.name] = await signHs256({ sub: id.sub, roles: id.roles, ...(id.office && { office: id.office }) }, { ...hs256, ttlSeconds: DEV_TOKEN_TTL_SECONDS });
  }
  await writeFile(file, `${JSON.stringify({ url, expiresInDays: DEV_TOKEN_TTL_SECONDS / 86_400, tokens }, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // mode applies only to a new file: an older, wider one is narrowed
  return tokens;
}
