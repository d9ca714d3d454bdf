import { useEffect, useState } from 'preact/hooks';
import type { WorkingCalendar } from '../../../domain/calendar';
import { CATEGORIES, EXTENSION_REASONS, REPLY_OUTCOMES } from '../../../domain/case';
import { allowedActions, mayAct, type Action } from '../../../domain/lifecycle';
import { explainDeadline } from '../../../domain/deadline';
import {
  ACTION_LABELS,
  CATEGORY_LABELS,
  CHANNEL_LABELS,
  DAY_KIND_LABELS,
  DISPATCH_LABEL,
  EVENT_LABELS,
  EXTENSION_REASON_LABELS,
  EXTENSION_REQUEST_STATE_LABELS,
  FESTIVAL_LABELS,
  PROBLEM_LABEL,
  PROBLEM_REASON_LABELS,
  REPLY_OUTCOME_LABELS,
  ROLE_LABELS,
  SATISFACTION_LABELS,
  SATISFACTIONS,
  STATUS_LABELS,
  TOPIC_LABELS,
  type ReturnReason,
} from '../../../domain/vocabulary';
import { act, api, ApiError, downloadAttachment, getCase, loadOfficeNames, ok, problemOf, send, type ActionBody, type CaseEventBody, type CaseBody } from '../api';
import { ErrorBox, Loading, Page, SlaBadge, StatusBadge } from '../components';
import { formatDate, useI18n, type I18n } from '../i18n';
import { currentToken as sessionToken, hasRole, type Session } from '../session';
import { loadCalendar, workingDaysLeft } from '../workdays';

type Field = 'reason' | 'text' | 'office' | 'category' | 'rating' | 'returnReason' | 'note' | 'outcome' | 'remedies' | 'extensionReason' | 'decisionNote' | 'ticketNo';
/** What each action asks for (the API's ACTION_BODIES); none: one click. */
const FIELDS: Record<Action, Field[]> = {
  accept: [],
  return: ['returnReason', 'note'],
  'reject-return': ['reason'],
  assign: ['office', 'reason'],
  recategorize: ['category', 'reason'],
  'request-extension': ['extensionReason', 'reason'],
  'approve-extension': ['decisionNote'],
  'deny-extension': ['reason'],
  extend: ['reason'],
  pause: ['reason'],
  resume: [],
  note: ['text'],
  reply: ['outcome', 'text', 'remedies'],
  'follow-up': ['rating'],
  reopen: ['reason'],
  close: ['reason'],
  link: ['ticketNo', 'reason'],
};

/**
 * 逐日明细: the days from the start of the handling period to the deadline, counted (working days,
 * makeup Saturdays marked) or skipped (weekends, holidays by festival), by the same pure code the
 * server counts with. Paused working days fall inside the span and are listed as counted.
 */
function DeadlineDays({ calendar, c, reopenedAt }: { calendar: WorkingCalendar; c: CaseBody; reopenedAt: string | undefined }) {
  const { t, label, locale } = useI18n();
  const urgent = c.sla.workingDays === 0;
  const start = reopenedAt ?? c.receivedAt;
  const why = explainDeadline(calendar, Date.parse(start), Date.parse(c.dueAt), urgent);
  const day = (d: string) => formatDate(d, locale);
  const festival = (f: string | undefined) => (f ? `（${label(FESTIVAL_LABELS, f)}）` : '');
  return (
    <details class="deadline-days" data-testid="deadline-days">
      <summary>{t('case.countDays', { n: why.countedDays.length, m: why.skippedDays.length })}</summary>
      <p>{urgent ? t('case.countFromUrgent', { day: day(why.receiptDay) }) : t('case.countFrom', { day: day(why.receiptDay), what: t(reopenedAt ? 'case.periodStart.reopened' : 'case.periodStart.received') })}</p>
      <h3>{t('case.counted')}</h3>
      <ol class="days" data-testid="counted-days">
        {why.countedDays.map((d) => (
          <li key={d.date} class={d.makeup ? 'makeup' : undefined}>
            {day(d.date)}
            {d.makeup && ` ${label(DAY_KIND_LABELS, 'makeup')}${festival(d.festival)}`}
          </li>
        ))}
      </ol>
      {why.skippedDays.length > 0 && (
        <>
          <h3>{t('case.skipped')}</h3>
          <ul class="days" data-testid="skipped-days">
            {why.skippedDays.map((d) => (
              <li key={d.date}>
                {day(d.date)} {d.kind === 'holiday' && d.festival ? label(FESTIVAL_LABELS, d.festival) : label(DAY_KIND_LABELS, d.kind)}
              </li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}

async function loadEvents(id: string): Promise<CaseEventBody[]> {
  const res = await fetch(`/v1/cases/${encodeURIComponent(id)}/events`, { headers: { Authorization: `Bearer ${sessionToken()}` } });
  if (!res.ok) throw await problemOf(res);
  return ((await res.json()) as { items: CaseEventBody[] }).items;
}

interface Notice {
  kind: 'ok' | 'conflict';
  text: string;
  /** The server's own words (English), for the record. */
  detail?: string;
}

/** 案件详情: everything about the case, its history, and the actions its status allows, with the ETag carried along. */
export function CasePage({ id, session }: { id: string; session: Session }) {
  const i18n = useI18n();
  const { t, label, locale } = i18n;
  const [state, setState] = useState<{ record: CaseBody; etag: string }>();
  const [events, setEvents] = useState<CaseEventBody[]>();
  const [calendar, setCalendar] = useState<WorkingCalendar>();
  const [offices, setOffices] = useState<{ id: string; name: string }[]>();
  const [names, setNames] = useState<Map<string, string>>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<Notice>();
  const [open, setOpen] = useState<Action>();
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<unknown>();
  const [returnReasons, setReturnReasons] = useState<ReturnReason[]>();
  const supervisor = hasRole(session, 'supervisor', 'admin');

  const reload = async () => {
    const [c, e] = await Promise.all([getCase(id), loadEvents(id)]);
    setState(c);
    setEvents(e);
  };
  useEffect(() => {
    setState(undefined);
    reload().catch(setError);
    loadCalendar().then(setCalendar, () => undefined);
    if (supervisor) ok(api.v1.admin.offices.$get()).then((o) => setOffices(o.items), () => undefined);
    if (hasRole(session, 'office', 'supervisor', 'admin')) loadOfficeNames(supervisor).then(setNames, () => undefined);
    send<{ items: ReturnReason[] }>('GET', '/v1/return-reasons').then((r) => setReturnReasons(r.items), () => undefined);
  }, [id]);

  if (error) return <Page title={t('case.title')}>{<ErrorBox error={error} />}</Page>;
  if (!state) return <Loading />;
  const c = state.record;
  const officeName = (code: string | undefined | null) => (code ? (names?.get(code) ?? code) : t('case.unassigned'));
  const principal = { sub: session.sub ?? '', roles: session.roles, ...(session.office && { office: session.office }) };
  // The status decides (the domain's state machine); an extension is also once, for complaints only,
  // asked for before the deadline, and decided only while a request waits.
  const extendable = c.category === 'complaint' && !c.extended;
  const requestPending = c.extensionRequest?.state === 'pending';
  const offered: Partial<Record<Action, boolean>> = {
    extend: extendable,
    'request-extension': extendable && !requestPending && Date.parse(c.dueAt) >= Date.now(),
    'approve-extension': extendable && requestPending,
    'deny-extension': requestPending,
  };
  const actions = allowedActions(c.status).filter((a) => mayAct(principal, c, a) && offered[a] !== false);
  const daysLeft = calendar && (c.status === 'replied' || c.status === 'closed' ? undefined : workingDaysLeft(calendar, c.dueAt));

  async function submit(action: Action, form?: HTMLFormElement) {
    const data = form ? new FormData(form) : new FormData();
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const body: Record<string, unknown> = {};
    for (const f of FIELDS[action]) {
      if (f === 'reason' || f === 'text' || f === 'office' || f === 'category' || f === 'note' || f === 'outcome' || f === 'ticketNo') body[f] = text(f);
      if (f === 'returnReason' || f === 'extensionReason') body.reasonCode = text(f);
      if ((f === 'remedies' || f === 'decisionNote') && text(f)) body[f === 'remedies' ? 'remedies' : 'note'] = text(f);
      if (f === 'rating') {
        body.resolved = data.get('resolved') === 'yes';
        body.satisfaction = text('satisfaction');
        if (text('comment')) body.comment = text('comment');
      }
    }
    setBusy(true);
    setFormError(undefined);
    setNotice(undefined);
    try {
      const next = await act(c.id, action, body as ActionBody<typeof action>, state?.etag ?? '');
      // The history with the new step, before saying it is done: the page never shows one without the other.
      const history = await loadEvents(c.id).catch(() => undefined);
      setState(next);
      if (history) setEvents(history);
      setOpen(undefined);
      setNotice({ kind: 'ok', text: t('case.done', { action: actionName(action) }) });
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setNotice({ kind: 'conflict', text: t('case.stale') });
        await reload().catch(setError);
      } else if (e instanceof ApiError && e.status === 409) {
        const allowed = (e.problem.allowedActions ?? []).map((a) => label(ACTION_LABELS, a)).join('、') || t('case.nothing');
        setNotice({ kind: 'conflict', text: t('case.notAllowed', { status: label(STATUS_LABELS, e.problem.currentStatus ?? c.status), allowed }), ...(e.problem.detail && { detail: e.problem.detail }) });
        await reload().catch(setError);
      } else setFormError(e);
    } finally {
      setBusy(false);
    }
  }

  const actionName = (a: Action) => (a === 'assign' && c.status === 'received' ? DISPATCH_LABEL[locale] : label(ACTION_LABELS, a));
  const pausedDays = (c.pauses ?? []).reduce((n, p) => n + (p.workingDays ?? 0), 0);
  const contact = c.complainant && (c.complainant.name || c.complainant.phone || c.complainant.email || c.complainant.employer);
  return (
    <Page title={`${c.ticketNo} · ${c.subject}`} actions={<StatusBadge status={c.status} />}>
      {notice && (
        <div class={`alert ${notice.kind === 'ok' ? 'success' : 'warning'}`} role={notice.kind === 'ok' ? 'status' : 'alert'} data-testid="notice">
          {notice.text}
          {notice.detail && (
            <small class="detail" lang="en">
              {' '}
              ({notice.detail})
            </small>
          )}
        </div>
      )}
      <div class="case-grid">
        <div class="case-main">
          <dl class="facts">
            <dt>{t('case.ticket')}</dt>
            <dd data-field="ticketNo">{c.ticketNo}</dd>
            <dt>{t('case.channel')}</dt>
            <dd data-field="channel">{label(CHANNEL_LABELS, c.channel)}</dd>
            <dt>{t('case.category')}</dt>
            <dd data-field="category">
              {label(CATEGORY_LABELS, c.category)}
              {c.urgent && <span class="badge urgent">{t('case.urgent')}</span>}
            </dd>
            <dt>{t('case.topic')}</dt>
            <dd data-field="topic">{c.topic ? label(TOPIC_LABELS, c.topic) : '—'}</dd>
            <dt>{t('case.status')}</dt>
            <dd data-field="status">{label(STATUS_LABELS, c.status)}</dd>
            <dt>{t('case.received')}</dt>
            <dd>{formatDate(c.receivedAt, locale, true)}</dd>
            <dt>{t('case.due')}</dt>
            <dd data-field="due">
              {formatDate(c.dueAt, locale)} <SlaBadge status={c.status} slaState={c.sla.state} daysLeft={daysLeft} />
            </dd>
            <dt>{t('case.counting')}</dt>
            <dd data-field="counting">
              {c.sla.workingDays === 0 ? t('case.countUrgent') : t('case.countRule', { n: c.sla.workingDays, received: formatDate(c.receivedAt, locale) })}
              {c.extended && ` ${t('case.countExtended')}`}
              {pausedDays > 0 && ` ${t('case.countPaused', { n: pausedDays })}`}
              {c.status === 'paused' && ` ${t('case.countPausedNow')}`}
              {c.sla.calendarEstimated && ` ${t('case.countEstimated')}`}
              {calendar && <DeadlineDays calendar={calendar} c={c} reopenedAt={c.reopened ? events?.filter((e) => e.action === 'reopen').at(-1)?.at : undefined} />}
            </dd>
            <dt>{t('case.office')}</dt>
            <dd data-field="office">{officeName(c.office)}</dd>
            {c.problem && (
              <>
                <dt>{PROBLEM_LABEL[locale]}</dt>
                <dd data-field="problem">
                  <span class="badge sla-overdue">{PROBLEM_LABEL[locale]}</span> {c.problem.reasons.map((r) => label(PROBLEM_REASON_LABELS, r)).join('、')}
                </dd>
              </>
            )}
            {(c.returns || c.transfers || c.reworks) && (
              <>
                <dt>{t('case.rework')}</dt>
                <dd data-field="counts">{t('case.counts', { returns: c.returns ?? 0, improper: c.improperReturns ?? 0, transfers: c.transfers ?? 0, reworks: c.reworks ?? 0 })}</dd>
              </>
            )}
            {c.returnReview && (
              <>
                <dt>{t('case.returnReview')}</dt>
                <dd data-field="returnReview">
                  {t('case.returnReview.waiting', { office: officeName(c.returnReview.office), at: formatDate(c.returnReview.at, locale, true), reason: c.returnReview.reasonLabel })}
                  <span class="prose"> {c.returnReview.note}</span>
                  {c.returnReview.remindedAt && <small> {t('case.returnReview.reminded', { at: formatDate(c.returnReview.remindedAt, locale, true) })}</small>}
                </dd>
              </>
            )}
            {c.extensionRequest && (
              <>
                <dt>{t('case.extensionRequest')}</dt>
                <dd data-field="extensionRequest">
                  <span class={`badge ${c.extensionRequest.state === 'pending' ? 'sla-due_soon' : ''}`}>{label(EXTENSION_REQUEST_STATE_LABELS, c.extensionRequest.state)}</span> {label(EXTENSION_REASON_LABELS, c.extensionRequest.reasonCode)} ·{' '}
                  {c.extensionRequest.reason} <small>{formatDate(c.extensionRequest.at, locale, true)}</small>
                  {c.extensionRequest.decisionNote && <span class="prose"> · {c.extensionRequest.decisionNote}</span>}
                </dd>
              </>
            )}
            {c.duplicateOf && (
              <>
                <dt>{t('case.duplicateOf')}</dt>
                <dd data-field="duplicateOf">
                  <a href={`/console/cases/${encodeURIComponent(c.duplicateOf.caseId)}`}>{c.duplicateOf.ticketNo}</a>
                </dd>
              </>
            )}
            {!c.duplicateOf && c.possibleDuplicates && c.possibleDuplicates.length > 0 && (
              <>
                <dt>{t('case.possibleDuplicates')}</dt>
                <dd data-field="possibleDuplicates">
                  {c.possibleDuplicates.join('、')} <small>{t('case.possibleDuplicatesHint')}</small>
                </dd>
              </>
            )}
            {c.acceptedAt && (
              <>
                <dt>{t('case.accepted')}</dt>
                <dd>
                  {formatDate(c.acceptedAt, locale, true)}
                  {c.acceptedLate && <span class="badge sla-overdue">{t('case.acceptedLate')}</span>}
                </dd>
              </>
            )}
            {c.region && (
              <>
                <dt>{t('case.region')}</dt>
                <dd>{c.region}</dd>
              </>
            )}
          </dl>

          {(contact || c.hotline || c.walkIn) && (
            <section aria-labelledby="contact-h" class="block">
              <h2 id="contact-h">{t('case.contact')}</h2>
              <dl class="facts">
                {c.complainant?.name && (
                  <>
                    <dt>{t('case.name')}</dt>
                    <dd data-field="name">{c.complainant.name}</dd>
                  </>
                )}
                {c.complainant?.phone && (
                  <>
                    <dt>{t('case.phone')}</dt>
                    <dd data-field="phone">{c.complainant.phone}</dd>
                  </>
                )}
                {c.complainant?.email && (
                  <>
                    <dt>{t('case.email')}</dt>
                    <dd>{c.complainant.email}</dd>
                  </>
                )}
                {c.complainant?.employer && (
                  <>
                    <dt>{t('case.employer')}</dt>
                    <dd>{c.complainant.employer}</dd>
                  </>
                )}
                {c.complainant?.anonymous && (
                  <>
                    <dt>{t('case.anonymous')}</dt>
                    <dd>{t('common.yes')}</dd>
                  </>
                )}
                {c.hotline?.callerNumber && (
                  <>
                    <dt>{t('intake.callerNumber')}</dt>
                    <dd data-field="callerNumber">{c.hotline.callerNumber}</dd>
                  </>
                )}
                {c.hotline && (
                  <>
                    <dt>{t('intake.callId')}</dt>
                    <dd>{c.hotline.callId}</dd>
                  </>
                )}
                {c.walkIn && (
                  <>
                    <dt>{t('intake.visitors')}</dt>
                    <dd>{c.walkIn.visitors}</dd>
                    {c.walkIn.batchId && (
                      <>
                        <dt>{t('intake.batchId')}</dt>
                        <dd>{c.walkIn.batchId}</dd>
                      </>
                    )}
                  </>
                )}
              </dl>
            </section>
          )}

          <section aria-labelledby="desc-h" class="block">
            <h2 id="desc-h">{t('case.description')}</h2>
            <p class="prose" data-field="description">
              {c.description}
            </p>
          </section>

          {c.attachments && c.attachments.length > 0 && (
            <section aria-labelledby="files-h" class="block">
              <h2 id="files-h">{t('case.attachments')}</h2>
              <ul class="attachments">
                {c.attachments.map((f) => (
                  <li key={f.id} data-attachment={f.id}>
                    <span data-field="attachment-name">{f.name}</span> <small>{formatSize(f.size)}</small>{' '}
                    <button type="button" class="secondary" aria-label={`${t('case.download')} ${f.name}`} onClick={() => downloadAttachment(c.id, f).catch(setFormError)}>
                      {t('case.download')}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}

          {c.reply && (
            <section aria-labelledby="reply-h" class="block">
              <h2 id="reply-h">
                {t('case.reply')} <small>{formatDate(c.reply.at, locale, true)}</small>
              </h2>
              {c.reply.outcome && (
                <p data-field="outcome">
                  {t('case.outcome')}：<strong>{label(REPLY_OUTCOME_LABELS, c.reply.outcome)}</strong>
                </p>
              )}
              <p class="prose" data-field="reply">
                {c.reply.text}
              </p>
              {c.reply.remedies && (
                <p class="prose" data-field="remedies">
                  {t('case.remediesShown')}：{c.reply.remedies}
                </p>
              )}
              {c.followUp && (
                <p>
                  {t('case.followUp')}：{c.followUp.resolved ? t('case.resolved') : t('case.unresolved')} · {label(SATISFACTION_LABELS, c.followUp.satisfaction)}
                  {c.followUp.comment && ` · ${c.followUp.comment}`}
                </p>
              )}
            </section>
          )}

          <section aria-labelledby="history-h" class="block">
            <h2 id="history-h">{t('case.history')}</h2>
            {!events ? <Loading /> : <History events={events} notes={c.notes ?? []} i18n={i18n} officeName={officeName} />}
          </section>
        </div>

        <aside class="case-actions" aria-labelledby="actions-h">
          <h2 id="actions-h">{t('case.actions')}</h2>
          {actions.length === 0 ? (
            <p class="muted">{t('case.noActions')}</p>
          ) : (
            <div class="action-buttons">
              {actions.map((a) =>
                FIELDS[a].length === 0 ? (
                  <button key={a} type="button" data-action={a} disabled={busy} onClick={() => void submit(a)}>
                    {actionName(a)}
                  </button>
                ) : (
                  <button key={a} type="button" class="secondary" data-action={a} aria-expanded={open === a} aria-controls={`form-${a}`} onClick={() => setOpen(open === a ? undefined : a)}>
                    {actionName(a)}
                  </button>
                ),
              )}
            </div>
          )}
          {open && actions.includes(open) && (
            <form
              id={`form-${open}`}
              class="action-form"
              data-action={open}
              aria-label={actionName(open)}
              onSubmit={(ev) => {
                ev.preventDefault();
                void submit(open, ev.currentTarget);
              }}
            >
              {FIELDS[open].map((f) => (
                <ActionField key={f} field={f} action={open} i18n={i18n} offices={offices} current={c} returnReasons={returnReasons} />
              ))}
              <ErrorBox error={formError} />
              <div class="row">
                <button type="submit" disabled={busy}>
                  {t('case.submitAction', { action: actionName(open) })}
                </button>
                <button type="button" class="secondary" onClick={() => setOpen(undefined)}>
                  {t('common.cancel')}
                </button>
              </div>
            </form>
          )}
          {!open && <ErrorBox error={formError} />}
          <p class="muted small">
            {t('case.version', { v: c.version })} · <a href={`/track#ticket=${encodeURIComponent(c.ticketNo)}&code=${encodeURIComponent(c.trackingCode)}`}>{t('case.trackPage')}</a>
          </p>
        </aside>
      </div>
    </Page>
  );
}

function ActionField(props: { field: Field; action: Action; i18n: I18n; offices: { id: string; name: string }[] | undefined; current: CaseBody; returnReasons: ReturnReason[] | undefined }) {
  const { t, label, locale } = props.i18n;
  const { field, action } = props;
  const id = `${action}-${field}`;
  if (field === 'returnReason' || field === 'extensionReason') {
    const options = field === 'returnReason' ? (props.returnReasons ?? []).map((r) => [r.code, r.label[locale]] as const) : EXTENSION_REASONS.map((k) => [k, label(EXTENSION_REASON_LABELS, k)] as const);
    return (
      <label for={id}>
        {t(field === 'returnReason' ? 'case.returnReason' : 'case.extensionReason')}
        <select id={id} name={field} required>
          <option value="">{t('common.choose')}</option>
          {options.map(([code, text]) => (
            <option key={code} value={code}>
              {text}
            </option>
          ))}
        </select>
      </label>
    );
  }
  if (field === 'outcome') {
    return (
      <fieldset>
        <legend>{t('case.outcome')}</legend>
        {REPLY_OUTCOMES.map((o, i) => (
          <label class="inline" key={o}>
            <input type="radio" name="outcome" value={o} required={i === 0} /> {label(REPLY_OUTCOME_LABELS, o)}
          </label>
        ))}
      </fieldset>
    );
  }
  if (field === 'note' || field === 'remedies' || field === 'decisionNote') {
    const key = field === 'note' ? 'case.returnNote' : field === 'remedies' ? 'case.remedies' : 'case.decisionNote';
    return (
      <label for={id}>
        {t(key)}
        <textarea id={id} name={field} required={field === 'note'} rows={3} maxLength={2000} />
      </label>
    );
  }
  if (field === 'reason' || field === 'text') {
    const labelText = field === 'text' ? (action === 'reply' ? t('case.replyText') : t('case.noteText')) : t(action === 'request-extension' ? 'case.extensionWhy' : 'case.reason.any');
    return (
      <label for={id}>
        {labelText}
        <textarea id={id} name={field} required rows={field === 'text' ? 6 : 3} maxLength={field === 'text' ? 10000 : 2000} />
      </label>
    );
  }
  if (field === 'ticketNo') {
    // The originals intake suggested, or any ticket number typed in.
    const suggested = props.current.possibleDuplicates ?? [];
    return (
      <label for={id}>
        {t('case.originalTicket')}
        <input id={id} name="ticketNo" required pattern="[HMW]\d{4}-\d{6}" list={`${id}-list`} defaultValue={suggested[0]} autocomplete="off" />
        <datalist id={`${id}-list`}>
          {suggested.map((x) => (
            <option key={x} value={x} />
          ))}
        </datalist>
      </label>
    );
  }
  if (field === 'office') {
    return (
      <label for={id}>
        {t('case.toOffice')}
        <select id={id} name="office" required>
          <option value="">{t('common.choose')}</option>
          {(props.offices ?? []).filter((o) => o.id !== props.current.office).map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
    );
  }
  if (field === 'category') {
    return (
      <label for={id}>
        {t('case.category')}
        <select id={id} name="category" required>
          {CATEGORIES.filter((k) => k !== props.current.category).map((k) => (
            <option key={k} value={k}>
              {label(CATEGORY_LABELS, k)}
            </option>
          ))}
        </select>
      </label>
    );
  }
  return (
    <>
      <fieldset>
        <legend>{t('case.resolvedQ')}</legend>
        <label class="inline">
          <input type="radio" name="resolved" value="yes" required /> {t('case.resolved')}
        </label>
        <label class="inline">
          <input type="radio" name="resolved" value="no" /> {t('case.unresolved')}
        </label>
      </fieldset>
      <fieldset>
        <legend>{t('case.satisfactionQ')}</legend>
        {SATISFACTIONS.map((s, i) => (
          <label class="inline" key={s}>
            <input type="radio" name="satisfaction" value={s} required={i === 0} /> {label(SATISFACTION_LABELS, s)}
          </label>
        ))}
      </fieldset>
      <label for={id}>
        {t('case.comment')}
        <textarea id={id} name="comment" rows={2} maxLength={2000} />
      </label>
    </>
  );
}

/** The history, oldest first: who did what and why; the e-mails the system sent are marked. */
function History({ events, notes, i18n, officeName }: { events: CaseEventBody[]; notes: { at: string; text: string }[]; i18n: I18n; officeName: (code: string | undefined | null) => string }) {
  const { t, label, locale } = i18n;
  return (
    <ol class="history" id="history">
      {events.map((e, i) => {
        const d = (e.detail ?? {}) as Record<string, unknown>;
        const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
        let what: string;
        let mail: string | undefined;
        if (e.action === 'received') what = `${label(EVENT_LABELS, 'received')} · ${label(CHANNEL_LABELS, str('channel'))}`;
        else if (e.action === 'routed') {
          what = `${label(EVENT_LABELS, 'routed')} → ${officeName(str('office'))}`;
          mail = t('history.mailOffice', { office: officeName(str('office')) });
        } else if (e.action.startsWith('escalation:')) {
          const step = e.action.slice('escalation:'.length);
          const kind = step.startsWith('overdue') ? 'overdue' : step === 'breach' ? 'breach' : step === 'warning' ? 'warning' : undefined;
          what = kind ? label(EVENT_LABELS, kind) : step;
          if (step.startsWith('overdue-')) what += ` · ${t('sla.overdueDays', { n: step.slice('overdue-'.length) })}`;
          mail = t('history.mailEscalation', { level: String(d.level ?? '') });
        } else {
          what = label(ACTION_LABELS, e.action);
          if (e.action === 'link') what += ` → ${str('duplicateOf') ?? ''}`;
          if (e.action === 'assign') {
            what += ` → ${officeName(str('to'))}`;
            mail = t('history.mailOffice', { office: officeName(str('to')) });
          }
          if (e.action === 'recategorize') what += ` → ${label(CATEGORY_LABELS, str('to'))}`;
          if ((e.action === 'extend' || e.action === 'reopen' || e.action === 'resume' || e.action === 'recategorize') && str('dueAt')) what += ` · ${t('history.newDue', { date: formatDate(str('dueAt'), locale) })}`;
          if (e.action === 'follow-up') what += ` · ${d.resolved ? t('case.resolved') : t('case.unresolved')} · ${label(SATISFACTION_LABELS, str('satisfaction'))}`;
          if (e.action === 'reply') what += (d.onTime === false ? ` · ${t('history.late')}` : ` · ${t('history.onTime')}`) + (str('outcome') ? ` · ${label(REPLY_OUTCOME_LABELS, str('outcome'))}` : '');
          if (e.action === 'return') what += ` · ${str('reasonLabel') ?? str('reasonCode') ?? ''}`;
          if (e.action === 'reject-return') {
            what += ` → ${officeName(str('to'))} · ${t('history.improper')}`;
            mail = t('history.mailOffice', { office: officeName(str('to')) });
          }
          if (e.action === 'request-extension' || e.action === 'approve-extension' || e.action === 'deny-extension') what += ` · ${label(EXTENSION_REASON_LABELS, str('reasonCode'))}`;
          if (e.action === 'approve-extension' && str('dueAt')) what += ` · ${t('history.newDue', { date: formatDate(str('dueAt'), locale) })}`;
          if (Array.isArray(d.problem)) what += ` · ${PROBLEM_LABEL[locale]}：${(d.problem as string[]).map((r) => label(PROBLEM_REASON_LABELS, r)).join('、')}`;
          if (e.action === 'accept' && d.late) what += ` · ${t('case.acceptedLate')}`;
        }
        const who = e.by.sub === 'system' ? t('history.system') : e.by.sub === 'complainant' ? t('history.complainant') : `${e.by.sub}${e.by.roles.length ? `（${e.by.roles.map((r) => label(ROLE_LABELS, r)).join('、')}）` : ''}`;
        return (
          <li key={i} data-action={e.action}>
            <time dateTime={e.at}>{formatDate(e.at, locale, true)}</time>
            <div>
              <strong>{what}</strong>
              {e.from && e.to && e.from !== e.to && (
                <span class="transition">
                  {' '}
                  {label(STATUS_LABELS, e.from)} → {label(STATUS_LABELS, e.to)}
                </span>
              )}
              <div class="muted small">{who}</div>
              {str('reason') && <p class="prose">{t('history.reason', { text: str('reason') ?? '' })}</p>}
              {e.action === 'return' && str('note') && <p class="prose">{t('history.reason', { text: str('note') ?? '' })}</p>}
              {e.action === 'reply' && str('text') && <blockquote class="prose">{str('text')}</blockquote>}
              {e.action === 'reply' && str('remedies') && <p class="prose">{t('case.remediesShown')}：{str('remedies')}</p>}
              {str('comment') && <p class="prose">{str('comment')}</p>}
              {e.action === 'note' && notes.find((n) => n.at === e.at)?.text && <p class="prose">{notes.find((n) => n.at === e.at)?.text}</p>}
              {mail && (
                <p class="mail" data-mail>
                  ✉ {mail}
                </p>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

/** 1.2 MB, 340 KB, 12 B: a file's size as people read it. */
function formatSize(bytes: number): string {
  if (bytes >= 1_048_576) return `${(bytes / 1_048_576).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
