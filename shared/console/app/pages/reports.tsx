import { useState } from 'preact/hooks';
import { fetchReport } from '../api';
import { ErrorBox, Page } from '../components';
import type { GroupBy } from '../../../domain/report';
import { GROUP_BY_LABELS } from '../../../domain/vocabulary';
import { useI18n } from '../i18n';
import type { Session } from '../session';

type Kind = 'summary' | 'supervision' | 'quarterly';

/** The summary's groupings, the office (the usual one) first. */
const GROUPINGS: readonly GroupBy[] = ['office', 'channel', 'category', 'topic', 'month'];

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const quarterOf = (day: string) => `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;

/**
 * 报表: the summary, the 督办清单 and the quarterly analysis, fetched with the token (a plain link
 * could not carry it): HTML shown in a sandboxed frame (no script runs in it), CSV saved as a file.
 */
export function ReportsPage(_: { session: Session }) {
  const { t, label } = useI18n();
  const [shown, setShown] = useState<{ title: string; url: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();

  function pathOf(kind: Kind, form: HTMLFormElement): string {
    const data = new FormData(form);
    const q = new URLSearchParams();
    for (const [k, v] of data) if (typeof v === 'string' && v) q.set(k, v);
    return `/v1/reports/${kind}?${q.toString()}`;
  }

  async function run(kind: Kind, format: 'html' | 'csv', form: HTMLFormElement) {
    setError(undefined);
    setBusy(`${kind}-${format}`);
    try {
      const { blob, filename } = await fetchReport(pathOf(kind, form), format);
      const url = URL.createObjectURL(blob);
      if (format === 'csv') {
        const a = document.createElement('a');
        a.href = url;
        a.download = filename;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } else {
        if (shown) URL.revokeObjectURL(shown.url);
        setShown({ title: t(`reports.${kind}`), url });
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  }

  const card = (kind: Kind, fields: preact.ComponentChildren) => (
    <form
      class="report-card"
      data-report={kind}
      onSubmit={(ev) => {
        ev.preventDefault();
        const submitter = (ev as SubmitEvent).submitter as HTMLButtonElement | null;
        void run(kind, submitter?.value === 'csv' ? 'csv' : 'html', ev.currentTarget);
      }}
    >
      <h2>{t(`reports.${kind}`)}</h2>
      <p class="muted small">{t(`reports.${kind}.about`)}</p>
      <div class="row">{fields}</div>
      <div class="row">
        <button type="submit" value="html" disabled={!!busy}>
          {t('reports.view')}
        </button>
        <button type="submit" value="csv" class="secondary" disabled={!!busy}>
          {t('reports.csv')}
        </button>
      </div>
    </form>
  );

  const d = today();
  return (
    <Page title={t('nav.reports')}>
      <ErrorBox error={error} />
      <div class="report-cards">
        {card(
          'summary',
          <>
            <label>
              {t('reports.from')}
              <input type="date" name="from" value={`${d.slice(0, 8)}01`} required />
            </label>
            <label>
              {t('reports.to')}
              <input type="date" name="to" value={d} required />
            </label>
            <label>
              {t('reports.groupBy')}
              <select name="groupBy">
                {GROUPINGS.map((g) => (
                  <option key={g} value={g}>
                    {label(GROUP_BY_LABELS, g)}
                  </option>
                ))}
              </select>
            </label>
          </>,
        )}
        {card(
          'supervision',
          <label>
            {t('reports.month')}
            <input type="month" name="month" value={d.slice(0, 7)} required />
          </label>,
        )}
        {card(
          'quarterly',
          <label>
            {t('reports.quarter')}
            <input name="quarter" value={quarterOf(d)} pattern="\d{4}-Q[1-4]" required />
          </label>,
        )}
      </div>
      {shown && (
        <section class="report-view" aria-label={shown.title}>
          <div class="row">
            <h2>{shown.title}</h2>
            <a href={shown.url} target="_blank" rel="noopener">
              {t('reports.newWindow')}
            </a>
          </div>
          <iframe title={shown.title} src={shown.url} sandbox="allow-modals" id="report-frame" />
        </section>
      )}
    </Page>
  );
}
