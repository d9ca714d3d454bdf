import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { civilFromDays, shanghaiDayOf } from '../domain/time';
import type { ProblemBody } from './problem';

/** Small zh-CN pages for people posting the union's web form from a browser. */
const layout = (title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) => html`<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>
      body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.6; color: #222; }
      .box { border: 1px solid #ddd; border-radius: 8px; padding: 1rem 1.25rem; background: #fafafa; }
      .code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1.25rem; letter-spacing: .08em; }
      small { color: #666; }
    </style>
  </head>
  <body>
    ${body}
  </body>
</html>`;

/** 2026年3月9日 */
export function chineseDate(epochMs: number): string {
  const { year, month, day } = civilFromDays(shanghaiDayOf(epochMs));
  return `${year}年${month}月${day}日`;
}

export function thankYouPage(r: { ticketNo: string; trackingCode: string; dueAt: number }) {
  return layout(
    '来信已收到',
    html`<h1>来信已收到 · Letter received</h1>
      <p>感谢您给主席信箱来信。我们将按规定时限办理并答复。</p>
      <div class="box">
        <p>工单号 Ticket number：<span class="code">${r.ticketNo}</span></p>
        <p>查询码 Tracking code：<span class="code">${r.trackingCode}</span></p>
        <p>预计答复日期 Expected reply by：<strong>${chineseDate(r.dueAt)}</strong></p>
      </div>
      <p><small>请妥善保存工单号和查询码，凭此查询办理进度。Keep the ticket number and tracking code to follow your case.</small></p>
      <p><a href="/track#ticket=${encodeURIComponent(r.ticketNo)}&amp;code=${encodeURIComponent(r.trackingCode)}">查询办理进度 Track this case</a></p>`,
  );
}

/** The mailbox form's fields as a worker knows them. */
const FIELD_LABELS: Record<string, string> = {
  name: '姓名',
  phone: '联系电话',
  email: '电子邮箱',
  employer: '工作单位',
  subject: '标题',
  message: '来信内容',
  category: '类别',
  urgent: '是否紧急',
  redirect: '跳转地址',
};

export function errorPage(p: ProblemBody) {
  const heading = p.status === 429 ? '提交过于频繁，请稍后再试' : p.status >= 500 ? '系统繁忙，请稍后再试' : '提交的内容有误，请返回修改';
  return layout(
    heading,
    html`<h1>${heading}</h1>
      <p>${p.title}${p.detail ? html` — ${p.detail}` : ''}</p>
      ${p.errors?.length ? html`<ul>${p.errors.map((e) => html`<li><strong>${FIELD_LABELS[e.path] ?? ''}</strong> <code>${e.path || '—'}</code>：${e.message}</li>`)}</ul>` : ''}
      <p><a href="javascript:history.back()">返回 Back</a></p>`,
  );
}
