import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { routeCase } from '../../shared/usecases/route-case';
import { RoutingConfigCache } from '../../shared/usecases/routing-config';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { body, createOk } from '../support/http';

/** 受理告知: the writer's receipt, checked in the outbox after the router has handled the case. */
let h: Harness;
let router: Parameters<typeof routeCase>[0];

beforeAll(async () => {
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  await putOffice(h.deps, { id: 'rights', name: '权益保障部', email: 'rights@union.example.org', locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } }, 'test');
  await putRouting(h.deps, { rules: [], defaultOffice: 'rights' }, 'test');
  router = { ...h.deps, routing: new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0) };
});
afterAll(() => h.close());

async function mails(): Promise<ParsedMail[]> {
  const files = (await readdir(h.outboxDir)).filter((f) => f.endsWith('.eml'));
  return Promise.all(files.map(async (f) => simpleParser(await readFile(join(h.outboxDir, f)))));
}
const receiptsFor = async (ticketNo: string) => (await mails()).filter((m) => m.subject?.startsWith('【受理告知】') && m.headers.get('x-ticket-no') === ticketNo);
const route = async (id: string) => {
  const record = (await h.deps.cases.get(id))!;
  return routeCase(router, { caseId: id, category: record.category, version: 1 });
};

describe('the receipt (受理告知) to the writer', () => {
  it('a mailbox letter with an e-mail: one zh-CN receipt with ticket, category and limit, deadline and the tracking link (code in the fragment)', async () => {
    const res = await h.request('/v1/intake/mailbox', {
      method: 'POST',
      json: { name: '李四', phone: '13912345678', email: 'lisi@example.com', employer: '某电子厂', subject: '加班费问题', message: '工厂长期不支付加班费。' },
      ip: '203.0.113.1',
    });
    const receipt = await body<{ ticketNo: string; trackingCode: string }>(res);
    const record = (await h.deps.cases.getByTicket(receipt.ticketNo))!;
    expect(await route(record.id)).toBe('assigned');
    // A redelivery, and the reconciler's re-send, do not send it again.
    await route(record.id);
    await route(record.id);
    const sent = await receiptsFor(receipt.ticketNo);
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value.map((a) => a.address)).toEqual(['lisi@example.com']);
    expect(mail.cc).toBeUndefined();
    expect(mail.subject).toBe(`【受理告知】您反映的问题已受理，工单号${receipt.ticketNo}`);
    const text = mail.text ?? '';
    expect(text).toContain(`工单号：${receipt.ticketNo}`);
    expect(text).toContain('受理渠道：主席信箱');
    expect(text).toContain('类别：建议咨询（时限5个工作日）');
    expect(text).toContain('答复期限：2026年3月9日前');
    expect(text).toContain(`查询码：${receipt.trackingCode}`);
    expect(text).toContain(`https://cases.union.example.org/track#ticket=${receipt.ticketNo}&code=${receipt.trackingCode}`);
    expect(mail.html).toContain(`href="https://cases.union.example.org/track#ticket=${receipt.ticketNo}&amp;code=${receipt.trackingCode}"`);
    // Nothing of the letter, nobody's details, not the office.
    for (const secret of ['李四', '13912345678', '某电子厂', '加班费', '权益保障部', 'rights@']) {
      expect(text).not.toContain(secret);
      expect(mail.html).not.toContain(secret);
    }
    // The office got its own notice, without the receipt's tracking code.
    const office = (await mails()).filter((m) => m.headers.get('x-ticket-no') === receipt.ticketNo && !m.subject?.startsWith('【受理告知】'));
    expect(office).toHaveLength(1);
    expect(office[0]!.text).not.toContain(receipt.trackingCode);
  });

  it('hotline and walk-in cases with an e-mail get one too; a case without an e-mail gets none', async () => {
    const call = await createOk(h, hotlineCase({ hotline: { callId: 'receipt-1' }, category: 'complaint', complainant: { name: '王师傅', email: 'wang@example.com' } }));
    const visit = await createOk(h, { channel: 'walk_in', category: 'investigation', subject: '工伤认定', description: '来访反映工伤认定问题', complainant: { email: 'visit@example.com' }, walkIn: { visitors: 3 } }, ['reception']);
    const silent = await createOk(h, hotlineCase({ hotline: { callId: 'receipt-2' } }));
    for (const c of [call, visit, silent]) await route(c.id);
    const [callReceipt] = await receiptsFor(call.ticketNo);
    expect(callReceipt?.text).toContain('受理渠道：主席热线');
    expect(callReceipt?.text).toContain('类别：求助申诉（时限20个工作日）');
    expect(callReceipt?.text).toContain('答复期限：2026年3月30日前');
    const [visitReceipt] = await receiptsFor(visit.ticketNo);
    expect(visitReceipt?.text).toContain('受理渠道：来访');
    expect(visitReceipt?.text).toContain('类别：需调查处理（时限30个工作日）');
    expect(await receiptsFor(silent.ticketNo)).toHaveLength(0);
  });

  it('a failed send is retried with the message and then goes out once', async () => {
    const c = await createOk(h, hotlineCase({ hotline: { callId: 'receipt-3' }, complainant: { email: 'retry@example.com' } }));
    const send = h.deps.mailer.send.bind(h.deps.mailer);
    let failed = false;
    h.deps.mailer.send = async (m) => {
      if (!failed && m.subject.startsWith('【受理告知】')) {
        failed = true;
        throw new Error('SMTP down');
      }
      return send(m);
    };
    try {
      await expect(route(c.id)).rejects.toThrow('SMTP down');
      await route(c.id);
    } finally {
      h.deps.mailer.send = send;
    }
    expect(await receiptsFor(c.ticketNo)).toHaveLength(1);
  });
});
