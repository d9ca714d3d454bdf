import { useEffect, useMemo, useState } from 'preact/hooks';
import { CATEGORIES, TOPICS } from '../../../domain/case';
import { CATEGORY_LABELS, CHANNEL_LABELS, STATUS_LABELS, TOPIC_LABELS } from '../../../domain/vocabulary';
import { api, ok, problemOf, type CaseBody } from '../api';
import { ErrorBox, Page } from '../components';
import { formatDate, useI18n } from '../i18n';
import { hasRole, type Session } from '../session';

type Channel = 'hotline' | 'walk_in' | 'mailbox';

/**
 * 登记: the hotline operator's call form (caller number, call id) and reception's walk-in form
 * (batch and persons; a paper letter to the mailbox too). After saving, the ticket number and
 * tracking code to read out or print. One Idempotency-Key per form: a double click logs one case.
 */
export function IntakePage({ session }: { session: Session }) {
  const { t, label } = useI18n();
  const channels: Channel[] = [
    ...(hasRole(session, 'operator', 'admin') ? (['hotline'] as const) : []),
    ...(hasRole(session, 'reception', 'admin') ? (['walk_in', 'mailbox'] as const) : []),
  ];
  const [channel, setChannel] = useState<Channel>(channels[0] ?? 'hotline');
  const [saved, setSaved] = useState<CaseBody>();
  const [formKey, setFormKey] = useState(0);
  const idempotencyKey = useMemo(() => `console-${crypto.randomUUID()}`, [formKey]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  if (channels.length === 0) return <Page title={t('intake.title')}>{t('error.403')}</Page>;

  async function submit(ev: Event) {
    ev.preventDefault();
    const data = new FormData(ev.currentTarget as HTMLFormElement);
    const text = (k: string) => String(data.get(k) ?? '').trim();
    const opt = (k: string) => (text(k) ? text(k) : undefined);
    const complainant = { name: opt('name'), phone: opt('phone'), employer: opt('employer'), ...(data.get('anonymous') && { anonymous: true }) };
    const body = {
      channel,
      category: text('category') as (typeof CATEGORIES)[number],
      urgent: data.get('urgent') === 'on',
      subject: text('subject'),
      description: text('description'),
      ...(opt('topic') && { topic: opt('topic') }),
      ...(opt('region') && { region: opt('region') }),
      ...(Object.values(complainant).some((v) => v !== undefined) && { complainant: JSON.parse(JSON.stringify(complainant)) as typeof complainant }),
      ...(channel === 'hotline' && { hotline: { callId: text('callId'), ...(opt('callerNumber') && { callerNumber: opt('callerNumber') }) } }),
      ...(channel === 'walk_in' && { walkIn: { visitors: Number(text('visitors') || '1'), ...(opt('batchId') && { batchId: opt('batchId') }) } }),
    };
    setBusy(true);
    setError(undefined);
    try {
      const res = await api.v1.cases.$post({ json: body as never, header: { 'idempotency-key': idempotencyKey } });
      if (!res.ok) throw await problemOf(res as unknown as Response);
      setSaved((await res.json()) as CaseBody);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (saved) return <Receipt saved={saved} next={() => { setSaved(undefined); setFormKey((k) => k + 1); }} />;
  return (
    <Page title={t('intake.title')}>
      {channels.length > 1 && (
        <div class="tabs" role="group" aria-label={t('intake.channel')}>
          {channels.map((c) => (
            <button key={c} type="button" aria-pressed={channel === c} onClick={() => setChannel(c)} data-channel={c}>
              {c === 'mailbox' ? t('intake.paperLetter') : label(CHANNEL_LABELS, c)}
            </button>
          ))}
        </div>
      )}
      <form key={`${channel}-${formKey}`} class="intake" onSubmit={submit} data-channel={channel}>
        <h2>{channel === 'hotline' ? t('intake.callTitle') : channel === 'walk_in' ? t('intake.visitTitle') : t('intake.letterTitle')}</h2>
        {channel === 'hotline' && (
          <div class="row">
            <label>
              {t('intake.callerNumber')}
              <input name="callerNumber" type="tel" inputMode="tel" autocomplete="off" maxLength={24} />
            </label>
            <label>
              {t('intake.callId')} *
              <input name="callId" required maxLength={64} autocomplete="off" />
            </label>
          </div>
        )}
        {channel === 'walk_in' && (
          <div class="row">
            <label>
              {t('intake.batchId')}
              <input name="batchId" maxLength={64} autocomplete="off" />
            </label>
            <label>
              {t('intake.visitors')} *
              <input name="visitors" type="number" min={1} max={500} value="1" required />
            </label>
          </div>
        )}
        <div class="row">
          <label>
            {t('case.category')} *
            <select name="category" required>
              {CATEGORIES.map((k) => (
                <option key={k} value={k}>
                  {label(CATEGORY_LABELS, k)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('case.topic')}
            <select name="topic">
              <option value="">—</option>
              {TOPICS.map((k) => (
                <option key={k} value={k}>
                  {label(TOPIC_LABELS, k)}
                </option>
              ))}
            </select>
          </label>
          <label class="inline check">
            <input type="checkbox" name="urgent" /> {t('case.urgent')}
          </label>
        </div>
        <label>
          {t('case.subject')} *
          <input name="subject" required maxLength={200} />
        </label>
        <label>
          {t('case.description')} *
          <textarea name="description" required rows={5} maxLength={10000} />
        </label>
        <fieldset>
          <legend>{t('case.contact')}</legend>
          <div class="row">
            <label>
              {t('case.name')}
              <input name="name" maxLength={100} autocomplete="off" />
            </label>
            <label>
              {t('case.phone')}
              <input name="phone" type="tel" inputMode="tel" maxLength={24} autocomplete="off" />
            </label>
          </div>
          <div class="row">
            <label>
              {t('case.employer')}
              <input name="employer" maxLength={200} autocomplete="off" />
            </label>
            <label>
              {t('case.region')}
              <input name="region" maxLength={100} autocomplete="off" />
            </label>
          </div>
          <label class="inline check">
            <input type="checkbox" name="anonymous" /> {t('case.anonymousAsk')}
          </label>
        </fieldset>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>
          {busy ? t('common.saving') : t('intake.save')}
        </button>
      </form>
      {/* The API scopes operators' and reception's lists to what they logged; others would see every case here. */}
      {!hasRole(session, 'office', 'supervisor', 'admin') && <MyCases reload={formKey} />}
    </Page>
  );
}

/** 我登记的: the cases this desk or operator logged, newest deadline last, to read a ticket and code out again when someone calls back. */
function MyCases({ reload }: { reload: number }) {
  const { t, label, locale } = useI18n();
  const [items, setItems] = useState<CaseBody[]>();
  useEffect(() => {
    ok(api.v1.cases.$get({ query: { limit: '20' } as never })).then((r) => setItems(r.items as CaseBody[]), () => setItems([]));
  }, [reload]);
  if (!items?.length) return null;
  return (
    <section class="block" aria-labelledby="mine-h">
      <h2 id="mine-h">{t('intake.mine')}</h2>
      <div class="table-wrap">
        <table id="my-cases">
          <thead>
            <tr>
              <th scope="col">{t('case.ticket')}</th>
              <th scope="col">{t('intake.trackingCode')}</th>
              <th scope="col">{t('case.subject')}</th>
              <th scope="col">{t('case.status')}</th>
              <th scope="col">{t('case.due')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-case={c.id}>
                <td>
                  <a class="ticket" href={`/console/cases/${encodeURIComponent(c.id)}`}>
                    {c.ticketNo}
                  </a>
                </td>
                <td>
                  <code>{c.trackingCode}</code>
                </td>
                <td>{c.subject}</td>
                <td>{label(STATUS_LABELS, c.status)}</td>
                <td>{formatDate(c.dueAt, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Receipt({ saved, next }: { saved: CaseBody; next: () => void }) {
  const { t, locale, label } = useI18n();
  return (
    <Page title={t('intake.saved')}>
      <div class="receipt" role="status" data-testid="receipt">
        <p>{label(CHANNEL_LABELS, saved.channel)} · {label(CATEGORY_LABELS, saved.category)}</p>
        <p>
          {t('case.ticket')}：<strong class="code" data-field="ticketNo">{saved.ticketNo}</strong>
        </p>
        <p>
          {t('intake.trackingCode')}：<strong class="code" data-field="trackingCode">{saved.trackingCode}</strong>
        </p>
        <p>
          {t('intake.expected')}：<strong>{formatDate(saved.dueAt, locale)}</strong>
        </p>
        <p class="muted">{t('intake.readOut')}</p>
      </div>
      {saved.possibleDuplicates && saved.possibleDuplicates.length > 0 && (
        <p class="alert warning noprint" role="alert" data-testid="possible-duplicates">
          {t('intake.possibleDuplicates', { tickets: saved.possibleDuplicates.join('、') })}
        </p>
      )}
      <div class="row noprint">
        <button type="button" onClick={() => window.print()}>
          {t('intake.print')}
        </button>
        <button type="button" class="secondary" onClick={next}>
          {t('intake.another')}
        </button>
        <a href={`/console/cases/${encodeURIComponent(saved.id)}`}>{t('intake.open')}</a>
      </div>
    </Page>
  );
}
