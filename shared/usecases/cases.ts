import type { CaseRecord } from '../domain/case';
import { NotFoundError } from '../domain/errors';
import type { CaseListQuery, CasePage, CaseStore } from '../ports';

export async function getCase(cases: CaseStore, id: string): Promise<CaseRecord> {
  const record = await cases.get(id);
  if (!record) throw new NotFoundError(`No case with id ${id}`);
  return record;
}

export function listCases(cases: CaseStore, query: CaseListQuery): Promise<CasePage> {
  return cases.list(query);
}
