import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { labelOf, type Label, type Locale } from '../../domain/vocabulary';
import { MESSAGES, type MessageKey } from './messages';

/** zh-CN first, English second: the choice is kept in localStorage (it is not a secret). */
const LOCALE_KEY = 'union-console.locale';

export function initialLocale(): Locale {
  try {
    return localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function rememberLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_KEY, locale);
  } catch {
    // Private mode: the choice lasts this page only.
  }
}

export interface I18n {
  locale: Locale;
  /** A console message, with {name} placeholders filled in. */
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** A domain code's label from shared/domain/vocabulary.ts. */
  label(table: Readonly<Record<string, Label>>, code: string | undefined): string;
  setLocale(locale: Locale): void;
}

export function makeI18n(locale: Locale, setLocale: (l: Locale) => void): I18n {
  const messages = MESSAGES[locale];
  return {
    locale,
    t: (key, params) => {
      let text: string = messages[key];
      if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
      return text;
    },
    label: (table, code) => (code === undefined ? '—' : labelOf(table, code, locale)),
    setLocale,
  };
}

export const I18nContext = createContext<I18n>(makeI18n('zh-CN', () => undefined));
export const useI18n = () => useContext(I18nContext);

/** 2026-03-09T23:59:59+08:00 → 2026年3月9日 (zh-CN) or 2026-03-09 (en); with the time when asked. */
export function formatDate(iso: string | undefined, locale: Locale, withTime = false): string {
  if (!iso) return '—';
  const [y, m, d] = iso.slice(0, 10).split('-');
  const time = withTime ? ` ${iso.slice(11, 16)}` : '';
  return locale === 'zh-CN' ? `${y}年${Number(m)}月${Number(d)}日${time}` : `${y}-${m}-${d}${time}`;
}
