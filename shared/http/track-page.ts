import { SATISFACTIONS } from '../domain/case';
import { CATEGORY_LABELS, EXTENSION_REASON_LABELS, labelsIn, PUBLIC_STATUS_LABELS, REPLY_OUTCOME_LABELS, SATISFACTION_LABELS } from '../domain/vocabulary';
import { cspHash } from './csp';

/**
 * 办理进度查询: the zh-CN status page at /track. One static page: it asks for the ticket number
 * and tracking code (or takes them from the link's #fragment, which never reaches a server or its
 * logs), reads GET /v1/track/{ticketNo}, shows the deadline, the timeline and the reply, and lets
 * the complainant rate the reply. Everything from the API is put in with textContent, never as HTML.
 */
const SCRIPT = String.raw`
const STATUS = ${JSON.stringify(labelsIn(PUBLIC_STATUS_LABELS, 'zh-CN'))};
const CATEGORY = ${JSON.stringify(labelsIn(CATEGORY_LABELS, 'zh-CN'))};
const SATISFACTION = ${JSON.stringify(labelsIn(SATISFACTION_LABELS, 'zh-CN'))};
const OUTCOME = ${JSON.stringify(labelsIn(REPLY_OUTCOME_LABELS, 'zh-CN'))};
const EXTENSION_REASON = ${JSON.stringify(labelsIn(EXTENSION_REASON_LABELS, 'zh-CN'))};
const ERRORS = { 400: '工单号或查询码格式不正确，请核对。', 404: '未找到该工单：请核对工单号和查询码。', 409: '当前状态不能评价（可能已评价过）。', 429: '查询过于频繁，请一分钟后再试。' };
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
/** "2026-03-09T23:59:59+08:00" → "2026年3月9日"; with time → "2026年3月9日 09:30". */
const date = (iso, withTime) => { const [y, m, d] = iso.slice(0, 10).split('-'); return y + '年' + Number(m) + '月' + Number(d) + '日' + (withTime ? ' ' + iso.slice(11, 16) : ''); };

function describe(e) {
  switch (e.kind) {
    case 'received': return '已受理您的诉求';
    case 'assigned': return '转交' + (e.office || '承办部门') + '办理';
    case 'accepted': return (e.office || '承办部门') + '已签收';
    case 'category_changed': return '诉求类别调整为“' + (CATEGORY[e.category] || e.category) + '”，答复期限调整为' + date(e.dueAt);
    case 'extended': return (e.extensionReason ? '因' + (EXTENSION_REASON[e.extensionReason] || e.extensionReason) : '需调查核实') + '，答复期限延长至' + date(e.dueAt);
    case 'paused': return '暂停办理，等待您补充材料';
    case 'resumed': return '恢复办理，答复期限顺延至' + date(e.dueAt);
    case 'replied': return '已答复' + (e.outcome ? '，答复结果：' + (OUTCOME[e.outcome] || e.outcome) : '');
    case 'rated': return '您的评价：' + (e.resolved ? '问题已解决' : '问题未解决') + '，' + (SATISFACTION[e.satisfaction] || '');
    case 'reopened': return '重新办理，答复期限' + date(e.dueAt);
    case 'closed': return e.mergedInto ? '与工单' + e.mergedInto + '为同一诉求，已并入该工单办理' : '已办结';
    default: return e.kind;
  }
}

let current = null;

function show(view) {
  current = view;
  $('error').hidden = true;
  $('result').hidden = false;
  $('ticket-out').textContent = view.ticketNo;
  $('status').textContent = STATUS[view.status] || view.status;
  $('status').dataset.status = view.status;
  $('category').textContent = CATEGORY[view.category] || view.category;
  $('received').textContent = date(view.receivedAt);
  $('due').textContent = date(view.dueAt) + (view.extended ? '（已延期' + (view.extensionReason ? '：' + (EXTENSION_REASON[view.extensionReason] || view.extensionReason) : '') + '）' : '');
  const list = $('timeline');
  list.replaceChildren();
  for (const e of view.timeline) {
    const li = el('li');
    li.dataset.kind = e.kind;
    li.append(el('time', date(e.at, true)), el('span', describe(e)));
    if (e.kind === 'replied' && e.text) li.append(el('blockquote', e.text));
    if (e.kind === 'replied' && e.remedies) li.append(el('p', '救济途径：' + e.remedies, 'remedies'));
    list.append(li);
  }
  $('reply').hidden = !view.reply;
  if (view.reply) {
    $('reply-text').textContent = view.reply.text;
    $('reply-outcome').hidden = !view.reply.outcome;
    $('reply-outcome').textContent = view.reply.outcome ? '答复结果：' + (OUTCOME[view.reply.outcome] || view.reply.outcome) : '';
    $('reply-remedies').hidden = !view.reply.remedies;
    $('reply-remedies').textContent = view.reply.remedies ? '救济途径：' + view.reply.remedies : '';
  }
  $('rate').hidden = !view.mayRate;
}

function fail(status) {
  $('result').hidden = true;
  $('error').hidden = false;
  $('error').textContent = ERRORS[status] || '系统繁忙，请稍后再试。';
}

async function lookup(ticket, code) {
  $('ticket').value = ticket;
  $('code').value = code;
  const res = await fetch('/v1/track/' + encodeURIComponent(ticket.trim().toUpperCase()) + '?code=' + encodeURIComponent(code.trim()), { headers: { Accept: 'application/json' } });
  if (!res.ok) return fail(res.status);
  show(await res.json());
}

$('query').addEventListener('submit', (ev) => {
  ev.preventDefault();
  lookup($('ticket').value, $('code').value).catch(() => fail(0));
});

$('rate').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = new FormData($('rate'));
  if (!form.get('resolved') || !form.get('satisfaction')) { $('rate-hint').hidden = false; return; }
  const body = { code: $('code').value.trim(), resolved: form.get('resolved') === 'yes', satisfaction: form.get('satisfaction') };
  const comment = String(form.get('comment') || '').trim();
  if (comment) body.comment = comment;
  try {
    const res = await fetch('/v1/track/' + encodeURIComponent(current.ticketNo) + '/follow-up', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) return fail(res.status);
    show(await res.json());
    $('thanks').hidden = false;
  } catch { fail(0); }
});

// A link like /track#ticket=M2026-000107&code=7KQ2MZ9X fills the form and looks the case up.
const params = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
if (params.get('ticket') && params.get('code')) lookup(params.get('ticket'), params.get('code')).catch(() => fail(0));
else if (params.get('ticket')) $('ticket').value = params.get('ticket');
`;

const STYLE = `
[hidden] { display: none !important; }
body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.6; color: #222; }
form { display: grid; gap: .5rem; }
label { font-weight: 600; }
input, textarea, button { font: inherit; padding: .4rem .6rem; }
button { background: #b71c1c; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
.box { border: 1px solid #ddd; border-radius: 8px; padding: 1rem 1.25rem; background: #fafafa; margin: 1rem 0; }
.error { color: #b71c1c; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { color: #666; }
ol { padding-left: 1.25rem; }
li time { color: #666; margin-right: .5rem; font-variant-numeric: tabular-nums; }
blockquote { margin: .25rem 0 .5rem; padding: .5rem .75rem; background: #fff; border-left: 3px solid #b71c1c; white-space: pre-wrap; }
fieldset { border: 1px solid #ddd; border-radius: 4px; }
`;

export const TRACK_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>办理进度查询</title>
<style>${STYLE}</style>
</head>
<body>
<h1>办理进度查询</h1>
<form id="query">
  <label for="ticket">工单号</label>
  <input id="ticket" name="ticket" required autocomplete="off" placeholder="例如 M2026-000107" maxlength="20" />
  <label for="code">查询码</label>
  <input id="code" name="code" required autocomplete="off" placeholder="8 位查询码" maxlength="12" />
  <button type="submit">查询</button>
</form>
<p id="error" class="error" role="alert" hidden></p>
<section id="result" hidden aria-live="polite">
  <div class="box">
    <dl>
      <dt>工单号</dt><dd id="ticket-out"></dd>
      <dt>办理状态</dt><dd id="status"></dd>
      <dt>诉求类别</dt><dd id="category"></dd>
      <dt>受理日期</dt><dd id="received"></dd>
      <dt>答复期限</dt><dd id="due"></dd>
    </dl>
  </div>
  <h2>办理过程</h2>
  <ol id="timeline"></ol>
  <section id="reply" hidden>
    <h2>答复内容</h2>
    <p id="reply-outcome" hidden></p>
    <blockquote id="reply-text"></blockquote>
    <p id="reply-remedies" hidden></p>
  </section>
  <form id="rate" hidden>
    <h2>请对答复进行评价</h2>
    <fieldset>
      <legend>您反映的问题是否已解决？</legend>
      <label><input type="radio" name="resolved" value="yes" /> 已解决</label>
      <label><input type="radio" name="resolved" value="no" /> 未解决</label>
    </fieldset>
    <fieldset>
      <legend>您对办理结果是否满意？</legend>
${SATISFACTIONS.map((s) => `      <label><input type="radio" name="satisfaction" value="${s}" /> ${SATISFACTION_LABELS[s]['zh-CN']}</label>
`).join('')}    </fieldset>
    <label for="comment">意见（选填）</label>
    <textarea id="comment" name="comment" rows="3" maxlength="2000"></textarea>
    <p id="rate-hint" class="error" hidden>请选择是否解决和满意程度。</p>
    <button type="submit">提交评价</button>
  </form>
  <p id="thanks" hidden>感谢您的评价！</p>
</section>
<script>${SCRIPT}</script>
</body>
</html>
`;

/** Only this page's own script and style run; it talks only to its own origin. */
export const TRACK_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${cspHash(SCRIPT)}`,
  `style-src ${cspHash(STYLE)}`,
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
