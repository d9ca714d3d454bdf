import { useEffect, useState } from 'preact/hooks';
import { CATEGORIES, CHANNELS, TOPICS } from '../../../domain/case';
import { ROLES, type Role } from '../../../domain/principal';
import { FESTIVALS } from '../../../domain/calendar';
import { CATEGORY_LABELS, CHANNEL_LABELS, FESTIVAL_LABELS, ROLE_LABELS, TOPIC_LABELS } from '../../../domain/vocabulary';
import { PASSWORD_MIN_LENGTH } from '../../../domain/account';
import type { OfficeInputBody, RedriveResultBody, RoutingBody } from '../../../http/schemas/admin';
import type { AccountBody, AccountInputBody } from '../../../http/schemas/auth';
import { api, ApiError, ok, send } from '../api';
import { ErrorBox, Loading, Page } from '../components';
import { formatDate, useI18n } from '../i18n';
import { hasRole, type Session } from '../session';

const TABS = ['offices', 'routing', 'calendar', 'queues', 'users'] as const;
type Tab = (typeof TABS)[number];

/** 管理: offices, routing rules (ordered, first match wins), calendar years, dead letters, accounts. */
export function AdminPage({ session, path }: { session: Session; path: string }) {
  const { t } = useI18n();
  const admin = hasRole(session, 'admin');
  const tabs = TABS.filter((x) => admin || x === 'offices' || x === 'routing' || x === 'queues' || x === 'calendar');
  const tab = (tabs.find((x) => path === `/admin/${x}`) ?? tabs[0]) as Tab;
  return (
    <Page title={t('nav.admin')}>
      <nav class="tabs" aria-label={t('nav.admin')}>
        {tabs.map((x) => (
          <a key={x} href={`/console/admin/${x}`} aria-current={tab === x ? 'page' : undefined}>
            {t(`admin.${x}`)}
          </a>
        ))}
      </nav>
      {tab === 'offices' && <Offices admin={admin} />}
      {tab === 'routing' && <RoutingRules admin={admin} />}
      {tab === 'calendar' && <Calendar admin={admin} />}
      {tab === 'queues' && <Queues />}
      {tab === 'users' && admin && <Users />}
    </Page>
  );
}

const lines = (s: string) =>
  s
    .split(/[\s,，;；]+/)
    .map((x) => x.trim())
    .filter(Boolean);

interface EditableListOptions<T> {
  load: () => Promise<T[]>;
  /** The item's resource, by the key the form's field of that name holds. */
  path: (key: string) => string;
  key: string;
  /** The PUT body from the form (`s` reads a trimmed field). */
  body: (s: (field: string) => string, form: FormData) => unknown;
  confirmDelete: (key: string) => string;
}

/** A table of items an admin edits in place: load, PUT from the form, DELETE after a confirmation, reload; errors kept for the ErrorBox. */
function useEditableList<T>(options: EditableListOptions<T>) {
  const [items, setItems] = useState<T[]>();
  const [editing, setEditing] = useState<T | 'new'>();
  const [error, setError] = useState<unknown>();
  const refresh = () => options.load().then(setItems, setError);
  useEffect(() => void refresh(), []);
  async function save(ev: Event) {
    ev.preventDefault();
    const d = new FormData(ev.currentTarget as HTMLFormElement);
    const s = (k: string) => String(d.get(k) ?? '').trim();
    try {
      await send('PUT', options.path(s(options.key)), options.body(s, d));
      setEditing(undefined);
      setError(undefined);
      await refresh();
    } catch (e) {
      setError(e);
    }
  }
  async function remove(key: string) {
    if (!confirm(options.confirmDelete(key))) return;
    try {
      await send('DELETE', options.path(key));
      await refresh();
    } catch (e) {
      setError(e);
    }
  }
  return { items, editing, setEditing, error, save, remove };
}

type OfficeItem = Awaited<ReturnType<typeof loadOffices>>[number];
const loadOffices = async () => (await ok(api.v1.admin.offices.$get())).items;

function Offices({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  const { items, editing, setEditing, error, save, remove } = useEditableList<OfficeItem>({
    load: loadOffices,
    path: (id) => `/v1/admin/offices/${encodeURIComponent(id)}`,
    key: 'id',
    body: (s): OfficeInputBody => ({ name: s('name'), email: s('email'), locale: s('locale') === 'en' ? 'en' : 'zh-CN', escalation: { head: lines(s('head')), supervisor: lines(s('supervisor')), chairman: lines(s('chairman')) } }),
    confirmDelete: (id) => t('admin.confirmDelete', { name: id }),
  });
  if (!items) return error ? <ErrorBox error={error} /> : <Loading />;
  const e = editing === 'new' ? undefined : editing;
  return (
    <section>
      <ErrorBox error={error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('admin.officeId')}</th>
              <th scope="col">{t('admin.officeName')}</th>
              <th scope="col">{t('admin.email')}</th>
              <th scope="col">{t('admin.locale')}</th>
              <th scope="col">{t('admin.ladder')}</th>
              {admin && <th scope="col"><span class="sr-only">{t('admin.edit')}</span></th>}
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id} data-office={o.id}>
                <td><code>{o.id}</code></td>
                <td>{o.name}</td>
                <td>{o.email}</td>
                <td>{o.locale}</td>
                <td class="small">{[...o.escalation.head, ...o.escalation.supervisor, ...o.escalation.chairman].length}</td>
                {admin && (
                  <td class="row">
                    <button type="button" class="secondary" onClick={() => setEditing(o)}>{t('admin.edit')}</button>
                    <button type="button" class="danger" onClick={() => void remove(o.id)}>{t('admin.delete')}</button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {admin && !editing && <button type="button" onClick={() => setEditing('new')}>{t('admin.addOffice')}</button>}
      {admin && editing && (
        <form class="panel" onSubmit={save} key={e?.id ?? 'new'}>
          <div class="row">
            <label>{t('admin.officeId')}<input name="id" value={e?.id ?? ''} readOnly={!!e} required pattern="[a-z][a-z0-9_\-]{1,39}" /></label>
            <label>{t('admin.officeName')}<input name="name" value={e?.name ?? ''} required maxLength={100} /></label>
          </div>
          <div class="row">
            <label>{t('admin.email')}<input name="email" type="email" value={e?.email ?? ''} required /></label>
            <label>{t('admin.locale')}<select name="locale" value={e?.locale ?? 'zh-CN'}><option value="zh-CN">中文</option><option value="en">English</option></select></label>
          </div>
          <label>{t('admin.head')}<input name="head" value={e?.escalation.head.join(', ') ?? ''} /></label>
          <label>{t('admin.supervisorMail')}<input name="supervisor" value={e?.escalation.supervisor.join(', ') ?? ''} /></label>
          <label>{t('admin.chairman')}<input name="chairman" value={e?.escalation.chairman.join(', ') ?? ''} /></label>
          <div class="row">
            <button type="submit">{t('common.save')}</button>
            <button type="button" class="secondary" onClick={() => setEditing(undefined)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </section>
  );
}

type Rule = { when: { category?: string; topic?: string; channel?: string; region?: string; urgent?: boolean }; office: string };

function RoutingRules({ admin }: { admin: boolean }) {
  const { t, label } = useI18n();
  const [rules, setRules] = useState<Rule[]>();
  const [meta, setMeta] = useState<{ version: number; defaultOffice: string; updatedAt: string }>();
  const [offices, setOffices] = useState<OfficeItem[]>([]);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<number>();
  const load = async () => {
    const [routing, o] = await Promise.all([send<RoutingBody>('GET', '/v1/admin/routing').catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? undefined : Promise.reject(e))), loadOffices()]);
    setOffices(o);
    if (!routing) {
      setRules([]);
      setMeta({ version: 0, defaultOffice: o[0]?.id ?? '', updatedAt: '' });
      return;
    }
    setRules(routing.rules as Rule[]);
    setMeta({ version: routing.version, defaultOffice: routing.defaultOffice, updatedAt: routing.updatedAt });
  };
  useEffect(() => void load().catch(setError), []);
  if (!rules || !meta) return error ? <ErrorBox error={error} /> : <Loading />;

  const update = (i: number, r: Rule) => setRules(rules.map((x, j) => (j === i ? r : x)));
  const move = (i: number, by: number) => {
    const next = [...rules];
    const [r] = next.splice(i, 1);
    if (r) next.splice(i + by, 0, r);
    setRules(next);
  };
  const setWhen = (i: number, r: Rule, key: keyof Rule['when'], value: string) => {
    const when = { ...r.when } as Record<string, unknown>;
    if (value === '') delete when[key];
    else when[key] = key === 'urgent' ? value === 'true' : value;
    update(i, { ...r, when: when as Rule['when'] });
  };
  async function save() {
    try {
      const r = await send<RoutingBody>('PUT', '/v1/admin/routing', { rules, defaultOffice: meta?.defaultOffice ?? '' });
      setSaved(r.version);
      setError(undefined);
      await load();
    } catch (e) {
      setError(e);
    }
  }
  const select = (name: string, value: string | undefined, options: [string, string][], onChange: (v: string) => void, aria: string) => (
    <select name={name} value={value ?? ''} disabled={!admin} aria-label={aria} onChange={(ev) => onChange((ev.currentTarget as HTMLSelectElement).value)}>
      <option value="">{t('admin.any')}</option>
      {/* A code the lists do not know (an admin's own topic) stays selectable as it is. */}
      {value && !options.some(([v]) => v === value) && <option value={value}>{value}</option>}
      {options.map(([v, l]) => (
        <option key={v} value={v}>{l}</option>
      ))}
    </select>
  );
  return (
    <section>
      <p class="muted">{t('admin.routingAbout', { v: meta.version })}</p>
      <ErrorBox error={error} />
      {saved !== undefined && <p class="alert success" role="status">{t('admin.routingSaved', { v: saved })}</p>}
      <div class="table-wrap">
        <table class="rules">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('case.category')}</th>
              <th scope="col">{t('case.topic')}</th>
              <th scope="col">{t('case.channel')}</th>
              <th scope="col">{t('case.region')}</th>
              <th scope="col">{t('case.urgent')}</th>
              <th scope="col">{t('admin.toOffice')}</th>
              {admin && <th scope="col"><span class="sr-only">{t('admin.edit')}</span></th>}
            </tr>
          </thead>
          <tbody>
            {rules.map((r, i) => {
              const n = i + 1;
              return (
                <tr key={i}>
                  <td>{n}</td>
                  <td>{select('category', r.when.category, CATEGORIES.map((c) => [c, label(CATEGORY_LABELS, c)]), (v) => setWhen(i, r, 'category', v), `${n} ${t('case.category')}`)}</td>
                  <td>{select('topic', r.when.topic, TOPICS.map((c) => [c, label(TOPIC_LABELS, c)]), (v) => setWhen(i, r, 'topic', v), `${n} ${t('case.topic')}`)}</td>
                  <td>{select('channel', r.when.channel, CHANNELS.map((c) => [c, label(CHANNEL_LABELS, c)]), (v) => setWhen(i, r, 'channel', v), `${n} ${t('case.channel')}`)}</td>
                  <td><input value={r.when.region ?? ''} disabled={!admin} aria-label={`${n} ${t('case.region')}`} onChange={(ev) => setWhen(i, r, 'region', (ev.currentTarget as HTMLInputElement).value)} /></td>
                  <td>{select('urgent', r.when.urgent === undefined ? undefined : String(r.when.urgent), [['true', t('common.yes')], ['false', t('common.no')]], (v) => setWhen(i, r, 'urgent', v), `${n} ${t('case.urgent')}`)}</td>
                  <td>
                    <select value={r.office} disabled={!admin} aria-label={`${n} ${t('admin.toOffice')}`} onChange={(ev) => update(i, { ...r, office: (ev.currentTarget as HTMLSelectElement).value })}>
                      {offices.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
                    </select>
                  </td>
                  {admin && (
                    <td class="row">
                      <button type="button" class="secondary" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('admin.up', { n })}>↑</button>
                      <button type="button" class="secondary" disabled={i === rules.length - 1} onClick={() => move(i, 1)} aria-label={t('admin.down', { n })}>↓</button>
                      <button type="button" class="danger" onClick={() => setRules(rules.filter((_, j) => j !== i))} aria-label={t('admin.removeRule', { n })}>×</button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <label>
        {t('admin.defaultOffice')}
        <select value={meta.defaultOffice} disabled={!admin} onChange={(ev) => setMeta({ ...meta, defaultOffice: (ev.currentTarget as HTMLSelectElement).value })}>
          {offices.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
        </select>
      </label>
      {admin && (
        <div class="row">
          <button type="button" class="secondary" onClick={() => setRules([...rules, { when: {}, office: offices[0]?.id ?? '' }])}>{t('admin.addRule')}</button>
          <button type="button" onClick={() => void save()}>{t('admin.saveRouting')}</button>
        </div>
      )}
    </section>
  );
}

type Notice = { title: string; date?: string; url?: string; amendments?: { title: string; date?: string; url?: string }[] };

/** "2027-10-01 国庆节" lines → the days and the festival each is named with (zh-CN, English or the code). */
function namedDays(text: string): { days: string[]; festivals: Record<string, string> } {
  const days: string[] = [];
  const festivals: Record<string, string> = {};
  for (const line of text.split(/[\n,，;；]+/)) {
    const [date, ...rest] = line.trim().split(/\s+/);
    if (!date) continue;
    days.push(date);
    const name = rest.join(' ');
    if (name) festivals[date] = FESTIVALS.find((f) => f === name || FESTIVAL_LABELS[f]['zh-CN'] === name || FESTIVAL_LABELS[f].en === name) ?? name;
  }
  return { days, festivals };
}

function Calendar({ admin }: { admin: boolean }) {
  const { t, label, locale } = useI18n();
  const [year, setYear] = useState(new Date().getFullYear() + 1);
  const [data, setData] = useState<{ source: string; holidays: string[]; workdays: string[]; festivals?: Record<string, string>; notice?: Notice; workingDayCount: number }>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<number>();
  useEffect(() => {
    setData(undefined);
    setSaved(undefined);
    ok(api.v1.calendar[':year'].$get({ param: { year: String(year) } })).then(setData, setError);
  }, [year]);
  async function save(ev: Event) {
    ev.preventDefault();
    const d = new FormData(ev.currentTarget as HTMLFormElement);
    const holidays = namedDays(String(d.get('holidays')));
    const workdays = namedDays(String(d.get('workdays')));
    const festivals = { ...holidays.festivals, ...workdays.festivals } as Record<string, (typeof FESTIVALS)[number]>;
    const url = String(d.get('noticeUrl') ?? '').trim();
    const notice = { title: String(d.get('noticeTitle') ?? '').trim(), date: String(d.get('noticeDate') ?? ''), ...(url && { url }) };
    try {
      const r = await ok(api.v1.admin.calendar[':year'].$put({ param: { year: String(year) }, json: { holidays: holidays.days, workdays: workdays.days, ...(Object.keys(festivals).length > 0 && { festivals }), notice } }));
      setData(r);
      setSaved(r.recomputedCases);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }
  const named = (days: string[]) => days.map((x) => (data?.festivals?.[x] ? `${x} ${label(FESTIVAL_LABELS, data.festivals[x])}` : x)).join('\n');
  const noticeLine = (n: { title: string; date?: string; url?: string }) => (
    <>
      {n.url ? <a href={n.url} rel="noreferrer noopener" target="_blank">{n.title}</a> : n.title}
      {n.date && ` · ${formatDate(n.date, locale)}`}
    </>
  );
  return (
    <section>
      <label class="inline">
        {t('admin.year')}
        <input type="number" min={2000} max={2100} value={year} onChange={(ev) => setYear(Number((ev.currentTarget as HTMLInputElement).value))} />
      </label>
      <ErrorBox error={error} />
      {saved !== undefined && <p class="alert success" role="status">{t('admin.calendarSaved', { n: saved })}</p>}
      {!data ? (
        <Loading />
      ) : (
        <form class="panel" onSubmit={save} key={`${year}-${data.source}-${data.notice?.title ?? ''}`}>
          <p>
            {t(`admin.source.${data.source as 'shipped'}`)} · {t('admin.workingDays', { n: data.workingDayCount })}
          </p>
          {data.source !== 'estimated' && (
            <p data-testid="calendar-notice">
              {t('admin.notice')}：{data.notice ? noticeLine(data.notice) : t('admin.noticeNone')}
              {data.notice?.amendments?.map((a) => (
                <span key={a.title}>
                  {' '}
                  · {t('admin.noticeAmended')}：{noticeLine(a)}
                </span>
              ))}
            </p>
          )}
          {admin && (
            <fieldset>
              <legend>{t('admin.notice')}</legend>
              <label>
                {t('admin.noticeTitle')}
                <input name="noticeTitle" required maxLength={200} defaultValue={data.source === 'override' ? data.notice?.title : `国务院办公厅关于${year}年部分节假日安排的通知`} />
              </label>
              <label>
                {t('admin.noticeDate')}
                <input name="noticeDate" type="date" required defaultValue={data.source === 'override' ? data.notice?.date : undefined} />
              </label>
              <label>
                {t('admin.noticeUrl')}
                <input name="noticeUrl" type="url" maxLength={500} defaultValue={data.source === 'override' ? data.notice?.url : undefined} />
              </label>
            </fieldset>
          )}
          <label>
            {t('admin.holidaysNamed')}
            <textarea name="holidays" rows={4} readOnly={!admin} value={named(data.holidays)} />
          </label>
          <label>
            {t('admin.makeupDaysNamed')}
            <textarea name="workdays" rows={3} readOnly={!admin} value={named(data.workdays)} />
          </label>
          {admin && <button type="submit">{t('admin.saveCalendar', { year })}</button>}
        </form>
      )}
    </section>
  );
}

function Queues() {
  const { t, label } = useI18n();
  const [data, setData] = useState<{ category: string; visible: number; inFlight: number; deadLetters: number }[]>();
  const [error, setError] = useState<unknown>();
  const [moved, setMoved] = useState<string>();
  const load = () => ok(api.v1.admin.queues.$get()).then((r) => setData(r.queues), setError);
  useEffect(() => void load(), []);
  async function redrive(category: string) {
    try {
      const r = await send<RedriveResultBody>('POST', `/v1/admin/queues/${category}/redrive`);
      setMoved(t('admin.redriven', { n: r.moved, category: label(CATEGORY_LABELS, category) }));
      await load();
    } catch (e) {
      setError(e);
    }
  }
  if (!data) return error ? <ErrorBox error={error} /> : <Loading />;
  return (
    <section>
      <ErrorBox error={error} />
      {moved && <p class="alert success" role="status">{moved}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('case.category')}</th>
            <th scope="col" class="num">{t('admin.waiting')}</th>
            <th scope="col" class="num">{t('admin.inFlight')}</th>
            <th scope="col" class="num">{t('admin.deadLetters')}</th>
            <th scope="col"><span class="sr-only">{t('admin.redrive')}</span></th>
          </tr>
        </thead>
        <tbody>
          {data.map((q) => (
            <tr key={q.category} data-queue={q.category}>
              <th scope="row">{label(CATEGORY_LABELS, q.category)}</th>
              <td class="num">{q.visible}</td>
              <td class="num">{q.inFlight}</td>
              <td class={`num${q.deadLetters ? ' overdue' : ''}`}>{q.deadLetters}</td>
              <td>
                <button type="button" class="secondary" disabled={q.deadLetters === 0} onClick={() => void redrive(q.category)}>
                  {t('admin.redrive')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}


function Users() {
  const { t, label } = useI18n();
  const [offices, setOffices] = useState<OfficeItem[]>([]);
  useEffect(() => void loadOffices().then(setOffices, () => undefined), []);
  const { items, editing, setEditing, error, save, remove } = useEditableList<AccountBody>({
    load: async () => (await send<{ items: AccountBody[] }>('GET', '/v1/admin/users')).items,
    path: (username) => `/v1/admin/users/${encodeURIComponent(username)}`,
    key: 'username',
    body: (s, d): AccountInputBody => ({ displayName: s('displayName'), roles: d.getAll('roles').map(String) as Role[], ...(s('office') && { office: s('office') }), ...(String(d.get('password') ?? '') && { password: String(d.get('password')) }) }),
    confirmDelete: (username) => t('admin.confirmDelete', { name: username }),
  });
  if (!items) return error ? <ErrorBox error={error} /> : <Loading />;
  const e = editing === 'new' ? undefined : editing;
  return (
    <section>
      <ErrorBox error={error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('admin.username')}</th>
              <th scope="col">{t('admin.displayName')}</th>
              <th scope="col">{t('admin.roles')}</th>
              <th scope="col">{t('case.office')}</th>
              <th scope="col"><span class="sr-only">{t('admin.edit')}</span></th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.username} data-user={a.username}>
                <td><code>{a.username}</code></td>
                <td>{a.displayName}</td>
                <td>{a.roles.map((r) => label(ROLE_LABELS, r)).join('、')}</td>
                <td>{a.office ? (offices.find((o) => o.id === a.office)?.name ?? a.office) : '—'}</td>
                <td class="row">
                  <button type="button" class="secondary" onClick={() => setEditing(a)}>{t('admin.edit')}</button>
                  <button type="button" class="danger" onClick={() => void remove(a.username)}>{t('admin.delete')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!editing && <button type="button" onClick={() => setEditing('new')}>{t('admin.addUser')}</button>}
      {editing && (
        <form class="panel" onSubmit={save} key={e?.username ?? 'new'} autocomplete="off">
          <div class="row">
            <label>{t('admin.username')}<input name="username" value={e?.username ?? ''} readOnly={!!e} required autocomplete="off" /></label>
            <label>{t('admin.displayName')}<input name="displayName" value={e?.displayName ?? ''} required maxLength={100} /></label>
          </div>
          <fieldset>
            <legend>{t('admin.roles')}</legend>
            {ROLES.map((r) => (
              <label class="inline" key={r}>
                <input type="checkbox" name="roles" value={r} checked={e?.roles.includes(r)} /> {label(ROLE_LABELS, r)}
              </label>
            ))}
          </fieldset>
          <div class="row">
            <label>
              {t('case.office')}
              <select name="office" value={e?.office ?? ''}>
                <option value="">—</option>
                {offices.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </select>
            </label>
            <label>
              {e ? t('admin.newPassword') : t('admin.password')}
              <input name="password" type="password" autocomplete="new-password" required={!e} minLength={PASSWORD_MIN_LENGTH} />
            </label>
          </div>
          <div class="row">
            <button type="submit">{t('common.save')}</button>
            <button type="button" class="secondary" onClick={() => setEditing(undefined)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </section>
  );
}
