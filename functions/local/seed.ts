import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from '@hono/zod-openapi';
import { OfficeInput, RoutingInput } from '../../shared/http/schemas/admin';
import type { Logger } from '../../shared/observability/logger';
import { putOffice, putRouting, type AdminDeps } from '../../shared/usecases/admin';

export const DEFAULT_SEED_FILE = fileURLToPath(new URL('./seed.json', import.meta.url));

const SeedFile = z.object({
  offices: z.array(OfficeInput.extend({ id: z.string() })),
  routing: RoutingInput,
});

/**
 * First start only (no routing stored yet): the offices and rules of a seed file, through the
 * same use cases and schemas as the admin API, so a bad seed fails as loudly as a bad request.
 */
export async function seedIfEmpty(deps: AdminDeps, file: string, logger: Logger): Promise<boolean> {
  if (await deps.routing.current()) return false;
  const parsed = SeedFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`Seed file ${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  for (const office of parsed.data.offices) await putOffice(deps, office, 'seed');
  await putRouting(deps, parsed.data.routing, 'seed');
  logger.info('seed.applied', { file, offices: parsed.data.offices.length, rules: parsed.data.routing.rules.length });
  return true;
}
