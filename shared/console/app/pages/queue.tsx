import type { WorkingCalendar } from '../../../domain/calendar';
import { useEffect, useState } from 'preact/hooks';
import { CATEGORY_LABELS, CHANNEL_LABELS } from '../../../domain/vocabulary';
import { api, ok, type CaseBody } from '../api';
import { ErrorBox, Loading, Page, SlaBadge, StatusBadge } from '../components';
import { formatDate, useI18n } from '../i18n';
import { hasRole, type Session } from '../session';
import { loadCalendar, workingDaysLeft } from '../workdays';

type Counts = Awaited<ReturnType<typeof loadCounts>>;
const loadCounts = () => ok(api.v1.reports.queue.$get());

/** The filters of the queue: every open case, or one status or deadline state. */
const FILTERS = ['open', 'assigned', 'in_progress', 'paused', 'due_soon', 'overdue'] as const;
type Filter = (typeof FILTERS)[number];
const PAGE = 50;

async function loadCases(filter: Filter, supervisor: boolean, cursor?: string): Promise<{ items: CaseBody[]; nextCursor: string | null }> {
  const page = (query: Record<string, string>) => ok(api.v1.cases.$get({ query: { limit: String(PAGE), ...query } as never }));
  if (filter === 'due_soon' || filter === 'overdue') return page({ slaState: filter, ...(cursor && { cursor }) });
  if (filter !== 'open') return page({ status: filter, ...(cursor && { cursor }) });
  // Most pressing open cases: the first page of each open status, merged by deadline.
  const statuses = supervisor ? ['received', 'assigned', 'in_progress', 'paused'] : ['assigned', 'in_progress', 'paused'];
  const pages = await Promise.all(statuses.map((status) => page({ status })));
  const items = pages.flatMap((p) => p.items).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.ticketNo.localeCompare(b.ticketNo));
  return { items: items.slice(0, PAGE), nextCursor: null };
}

/**
 * 待办队列: an office's open cases, most pressing first, with their deadline badges and the counts
 * per state; a supervisor sees every office's, with a table of counts and overdue cases per office.
 */
export function QueuePage({ session }: { session: Session }) {
  const { t, label, locale } = useI18n();
  const supervisor = hasRole(session, 'supervisor', 'admin');
  const [filter, setFilter] = useState<Filter>('open');
  const [counts, setCounts] = useState<Counts>();
  const [list, setList] = useState<{ items: CaseBody[]; nextCursor: string | null }>();
  const [calendar, setCalendar] = useState<WorkingCalendar>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    loadCounts().then(setCounts, setError);
    loadCalendar().then(setCalendar, () => undefined);
  }, []);
  useEffect(() => {
    loadCases(filter, supervisor).then(setList, setError);
  }, [filter]);

  useEffect(() => {
    // What the bench measures: navigation start to the list on screen.
    if (list) performance.mark('console:queue-rendered');
  }, [list]);
  useEffect(() => {
    if (counts) performance.mark('console:queue-counts');
  }, [counts]);
  const officeNames = new Map(counts?.offices.map((o) => [o.office, o.officeName ?? o.office]));

  const more = async () => {
    if (!list?.nextCursor) return;
    const next = await loadCases(filter, supervisor, list.nextCursor).catch((e: unknown) => setError(e));
    if (next) setList({ items: [...list.items, ...next.items], nextCursor: next.nextCursor });
  };

  const total = counts?.total;
  const countOf: Record<Filter, number | undefined> = {
    open: total?.open,
    assigned: total?.assigned,
    in_progress: total?.inProgress,
    paused: total?.paused,
    due_soon: total?.dueSoon,
    overdue: total?.overdue,
  };
  const title = supervisor ? t('queue.titleAll') : t('queue.title', { office: session.office ?? '' });
  return (
    <Page title={title}>
      <ErrorBox error={error} />
      <div class="filters" role="group" aria-label={t('queue.filters')}>
        {FILTERS.map((f) => (
          <button key={f} type="button" class={`chip chip-${f}`} aria-pressed={filter === f}
            onClick={() => {
              if (f === filter) return;
              setList(undefined);
              setFilter(f);
            }} data-filter={f}>
            {t(`queue.filter.${f}`)}
            <span class="count" data-count={f}>
              {countOf[f] ?? '…'}
            </span>
          </button>
        ))}
      </div>
      {supervisor && counts && (
        <div class="table-wrap">
          <table class="counts" data-testid="office-counts">
            <caption>{t('queue.byOffice')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('case.office')}</th>
                <th scope="col" class="num">{t('queue.filter.open')}</th>
                <th scope="col" class="num">{t('queue.filter.assigned')}</th>
                <th scope="col" class="num">{t('queue.filter.in_progress')}</th>
                <th scope="col" class="num">{t('queue.filter.paused')}</th>
                <th scope="col" class="num">{t('queue.filter.due_soon')}</th>
                <th scope="col" class="num">{t('queue.filter.overdue')}</th>
              </tr>
            </thead>
            <tbody>
              {counts.offices.map((o) => (
                <tr key={o.office} data-office={o.office}>
                  <th scope="row">{o.officeName ?? o.office}</th>
                  <td class="num">{o.open}</td>
                  <td class="num">{o.assigned}</td>
                  <td class="num">{o.inProgress}</td>
                  <td class="num">{o.paused}</td>
                  <td class="num">{o.dueSoon}</td>
                  <td class={`num${o.overdue ? ' overdue' : ''}`}>{o.overdue}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('queue.total')}</th>
                <td class="num">{counts.total.open}</td>
                <td class="num">{counts.total.assigned}</td>
                <td class="num">{counts.total.inProgress}</td>
                <td class="num">{counts.total.paused}</td>
                <td class="num">{counts.total.dueSoon}</td>
                <td class={`num${counts.total.overdue ? ' overdue' : ''}`}>{counts.total.overdue}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      <div id="queue-list" aria-busy={!list} aria-live="polite">
      {!list ? (
        <Loading />
      ) : list.items.length === 0 ? (
        <p class="empty">{t('queue.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="cases" id="queue">
            <caption class="sr-only">{t('queue.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('case.ticket')}</th>
                <th scope="col">{t('case.subject')}</th>
                <th scope="col">{t('case.category')}</th>
                <th scope="col">{t('case.channel')}</th>
                <th scope="col">{t('case.status')}</th>
                {supervisor && <th scope="col">{t('case.office')}</th>}
                <th scope="col">{t('case.due')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((c) => (
                <tr key={c.id} data-case={c.id} data-sla={c.sla.state} data-status={c.status} data-due={c.dueAt}>
                  <td data-label={t('case.ticket')}>
                    <a href={`/console/cases/${encodeURIComponent(c.id)}`} class="ticket">
                      {c.ticketNo}
                    </a>
                    {c.urgent && <span class="badge urgent">{t('case.urgent')}</span>}
                  </td>
                  <td data-label={t('case.subject')} class="subject">
                    {c.subject}
                  </td>
                  <td data-label={t('case.category')}>{label(CATEGORY_LABELS, c.category)}</td>
                  <td data-label={t('case.channel')}>{label(CHANNEL_LABELS, c.channel)}</td>
                  <td data-label={t('case.status')}>
                    <StatusBadge status={c.status} />
                  </td>
                  {supervisor && <td data-label={t('case.office')}>{c.office ? (officeNames.get(c.office) ?? c.office) : t('case.unassigned')}</td>}
                  <td data-label={t('case.due')} class="due">
                    <span>{formatDate(c.dueAt, locale)}</span> <SlaBadge status={c.status} slaState={c.sla.state} daysLeft={calendar && workingDaysLeft(calendar, c.dueAt)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      </div>
      {list?.nextCursor && (
        <button type="button" class="secondary" onClick={() => void more()}>
          {t('queue.more')}
        </button>
      )}
    </Page>
  );
}
