import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Locale } from '../../domain/vocabulary';
import { ROLE_LABELS } from '../../domain/vocabulary';
import { api, ok } from './api';
import { cognitoSignOut, finishCognitoSignIn, type CognitoConfig } from './cognito';
import { ErrorBox, Loading } from './components';
import { I18nContext, initialLocale, makeI18n, rememberLocale, useI18n } from './i18n';
import { AdminPage } from './pages/admin';
import { CasePage } from './pages/case';
import { IntakePage } from './pages/intake';
import { QueuePage } from './pages/queue';
import { ReportsPage } from './pages/reports';
import { SignInPage } from './pages/sign-in';
import { navigate, onLinkClick, useLocation } from './router';
import { currentSession, endSession, hasRole, subscribe, type Session } from './session';
import './style.css';

function useSession(): Session | undefined {
  const [session, setSession] = useState(currentSession());
  useEffect(() => subscribe(() => setSession(currentSession())), []);
  return session;
}

function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale());
  const i18n = useMemo(
    () =>
      makeI18n(locale, (l) => {
        rememberLocale(l);
        document.documentElement.lang = l;
        setLocale(l);
      }),
    [locale],
  );
  const session = useSession();
  const { path, query } = useLocation();
  let body;
  if (path === '/callback') body = <Callback query={query} />;
  else if (!session) body = <SignInPage />;
  else body = <Shell session={session} path={path} />;
  return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}

function Callback({ query }: { query: URLSearchParams }) {
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    ok(api.v1.auth.config.$get())
      .then((config) => {
        if (config.provider !== 'cognito') throw new Error('This server signs in with local accounts');
        return finishCognitoSignIn(config, query);
      })
      .then((to) => navigate(to, { replace: true }))
      .catch(setError);
  }, []);
  return <main class="signin">{error ? <ErrorBox error={error} /> : <Loading />}</main>;
}

async function signOut(session: Session): Promise<void> {
  endSession();
  if (session.provider === 'cognito') {
    const config = await ok(api.v1.auth.config.$get());
    if (config.provider === 'cognito') cognitoSignOut(config as CognitoConfig);
  }
}

/** The signed-in frame: who, where, the language switch and sign-out, then the page. */
function Shell({ session, path }: { session: Session; path: string }) {
  const { t, label, locale, setLocale } = useI18n();
  const works = hasRole(session, 'office', 'supervisor', 'admin');
  const logs = hasRole(session, 'operator', 'reception', 'admin');
  const reads = hasRole(session, 'office', 'supervisor', 'admin');
  const nav: [string, string, boolean][] = [
    ['/console/', t('nav.queue'), works],
    ['/console/intake', t('nav.intake'), logs],
    ['/console/reports', t('nav.reports'), reads],
    ['/console/admin', t('nav.admin'), hasRole(session, 'admin', 'supervisor')],
  ];
  const caseMatch = /^\/cases\/([^/]+)$/.exec(path);
  let page;
  if (caseMatch) page = <CasePage id={decodeURIComponent(caseMatch[1] ?? '')} session={session} />;
  else if (path === '/intake') page = <IntakePage session={session} />;
  else if (path === '/reports') page = <ReportsPage session={session} />;
  else if (path.startsWith('/admin')) page = <AdminPage session={session} path={path} />;
  else if (path === '/' && works) page = <QueuePage session={session} />;
  else if (path === '/' && logs) page = <IntakePage session={session} />;
  else page = <p>{t('error.404')}</p>;
  const current = (href: string) => (href === '/console/' ? path === '/' || !!caseMatch : `/console${path}`.startsWith(href));
  return (
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">
        {t('nav.skip')}
      </a>
      <header class="top">
        <a class="brand" href="/console/">
          {t('app.title')}
        </a>
        <nav aria-label={t('nav.label')}>
          <ul>
            {nav
              .filter(([, , show]) => show)
              .map(([href, text]) => (
                <li key={href}>
                  <a href={href} aria-current={current(href) ? 'page' : undefined}>
                    {text}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <div class="who">
          <span class="user" data-testid="who">
            {session.displayName ?? session.sub ?? ''}
            <small>{session.roles.map((r) => label(ROLE_LABELS, r)).join(' · ')}</small>
          </span>
          <button type="button" class="link" lang={locale === 'zh-CN' ? 'en' : 'zh-CN'} onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}>
            {locale === 'zh-CN' ? 'English' : '中文'}
          </button>
          <button type="button" class="secondary" onClick={() => void signOut(session)}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </div>
  );
}

const root = document.getElementById('app');
if (root) {
  document.documentElement.lang = initialLocale();
  root.replaceChildren();
  render(<App />, root);
}
