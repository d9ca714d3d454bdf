import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalRuntime } from '../functions/local/runtime';
import { launchChromium } from '../test/support/browser';
import { screenshot, signIn } from '../test/support/console';

/**
 * `npm run screenshots`: the README's pictures of the console (docs/console-queue.png,
 * docs/console-case.png), taken from the whole local system in memory with a morning's demo cases
 * — some received weeks ago and now overdue, some due soon — at 1366×768.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const DAY = 86_400_000;

const dataDir = await mkdtemp(join(tmpdir(), 'union-screenshots-'));
const runtime = await startLocalRuntime({ inMemory: true, env: { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' } });
const browser = await launchChromium();
try {
  const call = async (role: string, method: string, path: string, json?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${runtime.tokens[role]}`, 'Content-Type': 'application/json', ...headers },
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return { body: (await res.json()) as { id: string; status: string; version: number }, etag: res.headers.get('etag') ?? '' };
  };
  const demo: [number, string, string, string, string][] = [
    [31, 'complaint', 'wages', '项目部拖欠农民工工资三个月', '某建筑项目部拖欠班组22名工人三个月工资，约四十万元，多次讨要未果。'],
    [26, 'complaint', 'social_insurance', '单位两年未足额缴纳社会保险', '来电人反映所在物流公司按最低基数缴纳社保，要求补缴。'],
    [8, 'advice', 'wages', '加班费计算基数咨询', '咨询周末加班费应按什么基数计算。'],
    [19, 'complaint', 'wages', '试用期工资低于约定', '劳动合同约定试用期工资为转正工资的百分之八十，实际只发百分之六十。'],
    [6, 'complaint', 'wages', '年终奖无故取消', '公司以经营困难为由取消已公布的年终奖。'],
    [2, 'advice', 'other', '职工食堂饭菜质量问题', '多名职工反映食堂饭菜分量少、价格高。'],
    [1, 'complaint', 'wages', '劳务派遣工同工不同酬', '派遣工与正式工同岗位工资相差较大。'],
  ];
  const ids: string[] = [];
  for (const [daysAgo, category, topic, subject, description] of demo) {
    const { body } = await call('operator', 'POST', '/v1/cases', {
      channel: 'hotline',
      category,
      topic,
      subject,
      description,
      receivedAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
      complainant: { name: '王师傅', phone: '13800138000', employer: '某建筑公司' },
      hotline: { callId: `demo-${daysAgo}-${topic}`, callerNumber: '13800138000' },
    });
    ids.push(body.id);
  }
  // Routed, and the timers of the old ones fired (warnings and escalations).
  for (let i = 0; i < 100; i++) {
    const states = await Promise.all(ids.map(async (id) => (await call('supervisor', 'GET', `/v1/cases/${id}`)).body.status));
    if (states.every((s) => s !== 'received')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await runtime.fireDueTimers();
  const act = async (id: string, action: string, json: unknown) => {
    const { etag } = await call('supervisor', 'GET', `/v1/cases/${id}`);
    await call('office', 'POST', `/v1/cases/${id}/${action}`, json, { 'If-Match': etag });
  };
  const [first, second, , fourth] = ids as [string, string, string, string];
  await act(first, 'accept', {});
  await act(first, 'note', { text: '已电话联系项目部负责人，约定周五前答复。' });
  await act(second, 'accept', {});
  await act(second, 'pause', { reason: '等待来电人补充工资条和社保缴费记录' });
  await act(fourth, 'accept', {});
  await runtime.fireDueTimers();

  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${runtime.url}/console/`);
  const office = runtime.devAccounts.find((a) => a.username === 'office');
  await signIn(page, 'office', office?.password ?? '');
  await page.locator('#queue-list[aria-busy=false] #queue').waitFor();
  await page.locator('[data-count=open]', { hasText: /\d/ }).waitFor();
  console.log(await screenshot(page, 'console-queue', { dir: DOCS, fullPage: false }));
  await page.goto(`${runtime.url}/console/cases/${first}`);
  await page.locator('#history').waitFor();
  await page.click('button[data-action=reply]');
  await page.check('form[data-action=reply] input[name=outcome][value=support]');
  await page.fill('form[data-action=reply] textarea[name=text]', '经协调，项目部已承诺于本月底前分两次补发全部拖欠工资，工会将跟踪落实。');
  console.log(await screenshot(page, 'console-case', { dir: DOCS, fullPage: true }));
} finally {
  await browser.close();
  await runtime.close();
  await rm(dataDir, { recursive: true, force: true });
}
