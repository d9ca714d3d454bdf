import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, ok, problemOf } from '../api';
import { startCognitoSignIn, type CognitoConfig } from '../cognito';
import { ErrorBox, Loading } from '../components';
import { useI18n } from '../i18n';
import { startSession } from '../session';

type Config = Awaited<ReturnType<typeof loadConfig>>;
const loadConfig = () => ok(api.v1.auth.config.$get());

/**
 * Sign-in, shown in place of any console page while nobody is signed in: the address stays, so
 * the case link of an e-mail opens that case once signed in.
 */
export function SignInPage() {
  const { t, locale, setLocale } = useI18n();
  const [config, setConfig] = useState<Config>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = `${t('signin.title')} · ${t('app.title')}`;
  }, [t]);
  useEffect(() => {
    loadConfig().then(setConfig, setError);
  }, []);

  async function submit(ev: Event) {
    ev.preventDefault();
    const form = new FormData(ev.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      const res = await api.v1.auth.login.$post({ json: { username: String(form.get('username') ?? '').trim(), password: String(form.get('password') ?? '') } });
      if (!res.ok) throw await problemOf(res as unknown as Response);
      const s = await res.json();
      startSession({ token: s.token, expiresAt: Date.parse(s.expiresAt), roles: s.roles, ...(s.office && { office: s.office }), displayName: s.displayName, sub: String(form.get('username')), provider: 'local' });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  const wrong = error instanceof ApiError && error.status === 401;
  const locked = error instanceof ApiError && error.status === 429;
  return (
    <main class="signin" id="main">
      <div class="card">
        <h1>{t('app.title')}</h1>
        <p class="muted">{t('signin.intro')}</p>
        {!config && !error && <Loading />}
        {config?.provider === 'local' && (
          <form onSubmit={submit} aria-describedby={error ? 'signin-error' : undefined}>
            <label>
              {t('signin.username')}
              <input name="username" autocomplete="username" autocapitalize="none" spellcheck={false} required autoFocus />
            </label>
            <label>
              {t('signin.password')}
              <input name="password" type="password" autocomplete="current-password" required />
            </label>
            <button type="submit" disabled={busy}>
              {busy ? t('signin.busy') : t('signin.submit')}
            </button>
          </form>
        )}
        {config?.provider === 'cognito' && (
          <button type="button" onClick={() => void startCognitoSignIn(config as CognitoConfig, location.pathname + location.search)}>
            {t('signin.cognito')}
          </button>
        )}
        <div id="signin-error">
          {wrong ? (
            <p class="alert error" role="alert">
              {t('signin.wrong')}
            </p>
          ) : locked ? (
            <p class="alert error" role="alert">
              {t('signin.locked', { n: Math.ceil((error.retryAfter ?? 900) / 60) })}
            </p>
          ) : (
            <ErrorBox error={error} />
          )}
        </div>
        <p class="lang">
          <button type="button" class="link" lang={locale === 'zh-CN' ? 'en' : 'zh-CN'} onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}>
            {locale === 'zh-CN' ? 'English' : '中文'}
          </button>
        </p>
      </div>
    </main>
  );
}
