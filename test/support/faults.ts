import type { CaseStore } from '../../shared/ports';

/**
 * Fault injection without a mock: the real store, except that its next `failures` creates throw
 * before anything is written — as if the process died or the table refused the write.
 */
export function failingCreates(real: CaseStore, failures: number, error: () => Error): CaseStore {
  let left = failures;
  const store = Object.create(real) as CaseStore;
  store.create = async (record) => {
    if (left-- > 0) throw error();
    return real.create(record);
  };
  return store;
}
