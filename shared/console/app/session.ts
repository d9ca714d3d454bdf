import type { Role } from '../../domain/principal';

/**
 * Who is signed in: the bearer token and what the server said about its holder, kept in
 * sessionStorage (this tab only, gone when it closes; never in a URL, never in localStorage).
 */
export interface Session {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  sub?: string;
  roles: Role[];
  office?: string;
  displayName?: string;
  provider: 'local' | 'cognito';
}

const KEY = 'union-console.session';
let listeners: (() => void)[] = [];
let cached: Session | undefined = read();

function read(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Session;
    return s.expiresAt > Date.now() ? s : undefined;
  } catch {
    return undefined;
  }
}

export function currentSession(): Session | undefined {
  if (cached && cached.expiresAt <= Date.now()) endSession();
  return cached;
}

export const currentToken = () => currentSession()?.token;

export function startSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
  cached = s;
  for (const l of listeners) l();
}

export function endSession(): void {
  sessionStorage.removeItem(KEY);
  cached = undefined;
  for (const l of listeners) l();
}

/** A 401 from the API: the token expired or was revoked; ask to sign in again, staying on the page. */
export function onUnauthorized(): void {
  if (cached) endSession();
}

export function subscribe(listener: () => void): () => void {
  listeners.push(listener);
  return () => {
    listeners = listeners.filter((l) => l !== listener);
  };
}

export const hasRole = (s: Session | undefined, ...roles: Role[]) => !!s && s.roles.some((r) => roles.includes(r));
