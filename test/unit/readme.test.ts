import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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

  it('says in "Where things live" what every folder of the repository holds', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Where things live'));
    const block = section.slice(section.indexOf('```') + 3, section.indexOf('```', section.indexOf('```') + 3));
    const listed = new Set(block.split('\n').map((l) => l.split(/\s/)[0]?.replace(/\/$/, '')));
    const root = new URL('../..', import.meta.url);
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    const folders = new Set<string>();
    for (const f of files) for (let d = dirname(f); d !== '.'; d = dirname(d)) folders.add(d);
    expect([...folders].filter((d) => !listed.has(d)).sort()).toEqual([]);
  });

  it('gives a newcomer the two commands', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
