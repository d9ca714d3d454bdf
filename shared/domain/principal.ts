/** Who is calling, as the token verifier resolved it. */
export const ROLES = ['operator', 'reception', 'office', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  sub: string;
  roles: readonly Role[];
  /** The office a member of office staff belongs to. */
  office?: string;
  /** How the person is addressed in the console (the token's `name`); personal data: never logged. */
  displayName?: string;
}

export function hasAnyRole(p: Principal, roles: readonly Role[]): boolean {
  return p.roles.some((r) => roles.includes(r));
}
