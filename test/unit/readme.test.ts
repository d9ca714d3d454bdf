import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_ENV_VARIABLES, LOCAL_ENV_VARIABLES } from '../../shared/config';

describe('README', () => {
  it('lists every environment variable the code reads in its configuration table, and no others', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Where things live'));
    // A row may name several variables: | `A`, `B` | … |
    const documented = [...section.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|/gm)].flatMap((m) => [...(m[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((n) => n[1]));
    expect([...documented].sort()).toEqual([...API_ENV_VARIABLES, ...LOCAL_ENV_VARIABLES].sort());
  });

  it('gives a newcomer the two commands', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
