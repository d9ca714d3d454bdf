import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { SLA_STATE_LABELS, STATUS_LABELS } from '../../domain/vocabulary';
import type { ApiError } from './api';
import { useI18n } from './i18n';
import { navigationCount } from './router';

/** The navigation whose page last took the focus. */
let focusedFor = 0;

/** A page: its heading and the document title (what a screen reader announces on navigation). */
export function Page(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · ${t('app.title')}`;
  }, [props.title, t]);
  useEffect(() => {
    // After an in-app navigation (not the first load), the focus moves to the new page's heading.
    const n = navigationCount();
    if (n > focusedFor) {
      focusedFor = n;
      heading.current?.focus();
    }
  });
  return (
    <section class="page" aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title" tabIndex={-1} ref={heading}>
          {props.title}
        </h1>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { label } = useI18n();
  return <span class={`badge status-${status}`}>{label(STATUS_LABELS, status)}</span>;
}

/**
 * The deadline badge: 已超期 (red) with the working days over, 即将超期 (yellow) with those left,
 * 暂停 (grey) while the clock stops, otherwise the working days left.
 */
export function SlaBadge(props: { status: string; slaState: string; daysLeft: number | undefined }) {
  const { t, label } = useI18n();
  const { status, slaState, daysLeft } = props;
  if (status === 'paused') return <span class="badge sla-paused">{t('sla.paused')}</span>;
  if (status === 'replied' || status === 'closed') return <span class={`badge sla-${slaState}`}>{label(SLA_STATE_LABELS, slaState)}</span>;
  const overdue = slaState === 'overdue' || (daysLeft !== undefined && daysLeft < 0);
  if (overdue) {
    return <span class="badge sla-overdue">{daysLeft !== undefined && daysLeft < 0 ? t('sla.overdueDays', { n: -daysLeft }) : label(SLA_STATE_LABELS, 'overdue')}</span>;
  }
  const left = daysLeft === undefined ? '' : daysLeft === 0 ? t('sla.dueToday') : t('sla.daysLeft', { n: daysLeft });
  if (slaState === 'due_soon') return <span class="badge sla-due_soon">{`${label(SLA_STATE_LABELS, 'due_soon')}${left ? ` · ${left}` : ''}`}</span>;
  return <span class="badge sla-on_track">{left || label(SLA_STATE_LABELS, 'on_track')}</span>;
}

/** A problem from the API, in words: the field errors named when there are some. */
export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const e = error as Partial<ApiError>;
  const status = e.status ?? 0;
  const known: Record<number, string> = { 400: t('error.400'), 401: t('error.401'), 403: t('error.403'), 404: t('error.404'), 429: t('error.429'), 503: t('error.503') };
  return (
    <div class="alert error" role="alert">
      <p>{known[status] ?? (status >= 500 || status === 0 ? t('error.500') : (e.problem?.title ?? t('error.500')))}</p>
      {e.problem?.detail && status !== 0 && <p class="detail">{e.problem.detail}</p>}
      {e.problem?.errors?.length ? (
        <ul>
          {e.problem.errors.map((f) => (
            <li key={f.path}>
              <code>{f.path || '—'}</code> {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
}
