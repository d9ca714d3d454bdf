import { cspHash } from './csp';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { FieldError } from '../domain/errors';
import { ACCEPTED_KINDS, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_TOTAL_BYTES, type MailboxField } from '../domain/letter';
import { civilFromDays, shanghaiDayOf } from '../domain/time';
import { WORKING_DAYS_BY_CATEGORY } from '../domain/deadline';
import { CATEGORIES } from '../domain/case';
import { CATEGORY_LABELS, TOPIC_LABELS } from '../domain/vocabulary';
import type { ProblemBody } from './schemas/common';

/**
 * The zh-CN pages of the chairman's mailbox for people with a browser: the letter form (GET
 * /mailbox, and again with what was wrong when a letter cannot be taken), the thank-you page a
 * successful post is redirected to, and the error pages. No English: the writer is a worker.
 * Every value shown is escaped (hono's html``); the pages carry a CSP that allows only their own
 * hash-pinned style and script.
 */
const STYLE = `
body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.6; color: #222; }
.box { border: 1px solid #ddd; border-radius: 8px; padding: 1rem 1.25rem; background: #fafafa; }
.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1.25rem; letter-spacing: .08em; }
label { display: block; margin-top: .9rem; font-weight: 600; }
input[type=text], input[type=tel], input[type=email], select, textarea { width: 100%; box-sizing: border-box; padding: .45rem; font: inherit; border: 1px solid #bbb; border-radius: 4px; }
textarea { min-height: 10rem; }
.hint, small { color: #666; font-weight: normal; font-size: .9rem; }
.err { color: #b00020; font-weight: normal; }
.errors { border: 1px solid #b00020; background: #fff4f4; border-radius: 8px; padding: .5rem 1.25rem; }
.hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
button { margin-top: 1.25rem; padding: .6rem 1.5rem; font: inherit; border: 0; border-radius: 4px; background: #c8102e; color: #fff; cursor: pointer; }
`;

/** Reads the ticket and code from the #fragment (never sent to any server) into the thank-you page. */
const THANKS_SCRIPT = `
const p = new URLSearchParams(location.hash.slice(1));
const code = p.get('code') || '';
const ticket = document.getElementById('ticket').textContent;
if (/^[A-Z0-9]{8}$/.test(code)) {
  document.getElementById('code').textContent = code;
  document.getElementById('track').href = '/track#ticket=' + encodeURIComponent(ticket) + '&code=' + encodeURIComponent(code);
  document.getElementById('with-code').hidden = false;
  document.getElementById('no-code').hidden = true;
}
`;

/** The pages' Content-Security-Policy: their own style and script only; forms post back here (and on to the allowed redirect origins). */
export function pageCsp(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `style-src ${cspHash(STYLE)}`,
    `script-src ${cspHash(THANKS_SCRIPT)}`,
    "img-src 'self'",
    `form-action 'self'${formTargets.map((o) => ` ${o}`).join('')}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const layout = (title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>, script?: string) => html`<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>${title}</title>
    <style>${raw(STYLE)}</style>
  </head>
  <body>
    ${body}
    ${script ? html`<script>${raw(script)}</script>` : ''}
  </body>
</html>`;

/** 2026年3月9日 */
export function chineseDate(epochMs: number): string {
  const { year, month, day } = civilFromDays(shanghaiDayOf(epochMs));
  return `${year}年${month}月${day}日`;
}

/** The page a successful post is redirected to (GET, so a reload posts nothing). The code comes from the #fragment. */
export function thankYouPage(r: { ticketNo: string; due?: string }) {
  const due = r.due && /^(\d{4})-(\d{2})-(\d{2})$/.exec(r.due);
  return layout(
    '来信已收到',
    html`<h1>来信已收到</h1>
      <p>感谢您给主席信箱来信。我们将按规定时限办理并答复。</p>
      <div class="box">
        <p>工单号：<span class="code" id="ticket">${r.ticketNo}</span></p>
        <p id="with-code" hidden>查询码：<span class="code" id="code"></span></p>
        ${due ? html`<p>预计答复日期：<strong id="due">${Number(due[1])}年${Number(due[2])}月${Number(due[3])}日</strong></p>` : ''}
      </div>
      <p id="no-code"><small>查询码显示在本页地址的“#”之后（需启用浏览器脚本）；留有电子邮箱的，受理告知邮件中也有查询码。</small></p>
      <p><small>请妥善保存工单号和查询码，凭此查询办理进度。</small></p>
      <p><a id="track" href="/track">查询办理进度</a></p>`,
    THANKS_SCRIPT,
  );
}

/** Each category with its time limit: advice is answered (答复), the others resolved (办结). */
const CATEGORY_CHOICES: [string, string][] = [
  ['', '不确定（由工作人员判断）'],
  ...CATEGORIES.map((c): [string, string] => [c, `${CATEGORY_LABELS[c]['zh-CN']}（${WORKING_DAYS_BY_CATEGORY[c]}个工作日内${c === 'advice' ? '答复' : '办结'}）`]),
];

export interface LetterPageInput {
  /** What the writer typed (shown again as entered). */
  values?: Partial<Record<MailboxField, string>>;
  errors?: FieldError[];
  /** A fresh one per page: the same letter posted twice keeps one ticket. */
  submissionId: string;
  /** Where the form posts: the intake, on this origin. */
  action?: string;
  /** Files were sent with the letter: the browser cannot put them back, say so. */
  hadFiles?: boolean;
  acceptsFiles: boolean;
}

/** The labels of the letter's fields, as a worker knows them. */
export const FIELD_LABELS: Record<MailboxField | 'files', string> = {
  name: '姓名',
  phone: '联系电话',
  email: '电子邮箱',
  employer: '工作单位',
  subject: '标题',
  message: '来信内容',
  category: '类别',
  urgent: '是否紧急',
  topic: '问题类型',
  redirect: '跳转地址',
  submissionId: '表单编号',
  website: '网址',
  files: '附件',
};

/** The letter form: empty from GET /mailbox, or with the letter as entered and what was wrong. */
export function letterPage(p: LetterPageInput) {
  const v = p.values ?? {};
  const errors = p.errors ?? [];
  const errorOf = (field: string) => errors.filter((e) => e.path === field).map((e) => html`<span class="err">${e.message}</span> `);
  const input = (field: MailboxField, type: string, extra = '') =>
    html`<label for="${field}">${FIELD_LABELS[field]}${raw(extra)} ${errorOf(field)}</label><input type="${type}" id="${field}" name="${field}" value="${v[field] ?? ''}" />`;
  const selected = (field: MailboxField, value: string) => ((v[field] ?? '') === value ? raw(' selected') : '');
  const title = errors.length ? '来信内容需要修改' : '主席信箱';
  return layout(
    title,
    html`<h1>${title}</h1>
      ${errors.length
        ? html`<div class="errors" role="alert">
            <p><strong>来信尚未提交，请修改以下内容后重新提交（您填写的内容已保留）：</strong></p>
            <ul>${errors.map((e) => html`<li><strong>${FIELD_LABELS[e.path as MailboxField] ?? '来信'}</strong>：${e.message}</li>`)}</ul>
            ${p.hadFiles ? html`<p>出于安全原因，浏览器不能保留已选择的附件，请重新选择。</p>` : ''}
          </div>`
        : html`<p>您可以在这里向工会主席来信反映问题、提出建议或寻求帮助。带 * 的为必填项。</p>`}
      <form method="post" action="${p.action ?? '/v1/intake/mailbox'}" enctype="multipart/form-data" accept-charset="utf-8">
        <input type="hidden" name="submissionId" value="${p.submissionId}" />
        ${v.redirect ? html`<input type="hidden" name="redirect" value="${v.redirect}" />` : ''}
        ${input('name', 'text', ' <span class="hint">（可不填）</span>')}
        ${input('phone', 'tel', ' <span class="hint">（手机或带区号的座机）</span>')}
        ${input('email', 'email', ' <span class="hint">（填写后将收到受理告知邮件）</span>')}
        ${input('employer', 'text')}
        <label for="topic">${FIELD_LABELS.topic} ${errorOf('topic')}</label>
        <select id="topic" name="topic">
          <option value=""${selected('topic', '')}>请选择</option>
          ${Object.entries(TOPIC_LABELS).map(([code, label]) => html`<option value="${code}"${selected('topic', code)}>${label['zh-CN']}</option>`)}
        </select>
        <label for="category">${FIELD_LABELS.category} ${errorOf('category')}</label>
        <select id="category" name="category">
          ${CATEGORY_CHOICES.map(([code, label]) => html`<option value="${code}"${selected('category', code)}>${label}</option>`)}
        </select>
        ${input('subject', 'text', ' <span class="hint">（可不填，默认取来信第一行）</span>')}
        <label for="message">${FIELD_LABELS.message} *${errorOf('message')}</label>
        <textarea id="message" name="message" required maxlength="10000">${v.message ?? ''}</textarea>
        ${p.acceptsFiles
          ? html`<label for="files">${FIELD_LABELS.files} <span class="hint">（可选：工资条、合同、照片等，最多${MAX_ATTACHMENTS}个，每个不超过${MAX_ATTACHMENT_BYTES / 1048576}MB，合计不超过${MAX_ATTACHMENTS_TOTAL_BYTES / 1048576}MB；可接收${ACCEPTED_KINDS}）</span> ${errorOf('files')}</label>
              <input type="file" id="files" name="files" multiple accept=".pdf,.jpg,.jpeg,.png,.webp,.gif,.doc,.docx,.xls,.xlsx,.txt" />`
          : errorOf('files')}
        <div class="hp" aria-hidden="true"><label for="website">${FIELD_LABELS.website}</label><input type="text" id="website" name="website" tabindex="-1" autocomplete="off" /></div>
        <p class="hint">提交即表示您同意工会为办理本件来信使用您填写的个人信息；工作人员仅为办理本件来信与您联系，不向无关人员公开。</p>
        <button type="submit">提交来信</button>
      </form>`,
  );
}

const HEADINGS: Record<number, { heading: string; text: string }> = {
  400: { heading: '提交的内容有误', text: '来信未能提交，请返回检查后重新提交。' },
  413: { heading: '来信过大', text: `来信未能提交：内容或附件超过大小限制（附件最多${MAX_ATTACHMENTS}个，每个不超过${MAX_ATTACHMENT_BYTES / 1048576}MB，合计不超过${MAX_ATTACHMENTS_TOTAL_BYTES / 1048576}MB）。请返回删减后重新提交。` },
  415: { heading: '提交方式有误', text: '来信未能提交：表单的提交格式不被支持。请通过主席信箱页面提交。' },
  429: { heading: '提交过于频繁，请稍后再试', text: '您在一分钟内提交的次数过多。请稍候一分钟，返回后重新提交。' },
  503: { heading: '系统繁忙，请稍后再试', text: '系统暂时无法处理来信，请稍后返回重新提交。' },
};

/** Any other problem for a browser: what happened in zh-CN, and the way back (the letter stays in the browser's form). */
export function errorPage(p: ProblemBody) {
  const known = HEADINGS[p.status] ?? (p.status >= 500 ? { heading: '系统繁忙，请稍后再试', text: '系统出现问题，已记录，请稍后返回重新提交。' } : HEADINGS[400]!);
  return layout(
    known.heading,
    html`<h1>${known.heading}</h1>
      <p>${known.text}</p>
      <p><small>浏览器“后退”可回到您填写的内容。</small></p>
      <p><a href="/mailbox">打开主席信箱</a></p>`,
  );
}
