/**
 * The citizen's data tracker: every read or write of their personal data in a register and every view of a case
 * holding it — when, which agency and who, which register and data, for which case, purpose and legal basis — from
 * the same access log and query module as GET /people/{personalId}/access-log, newest first, paged.
 */
import { html } from 'hono/html';
import { allow } from '../../api/auth/route-policy';
import { requireSelfOrStaff } from '../../api/auth/list-scope';
import { listAccessLog } from '../../db/engine/audit-queries';
import { pagination, table } from '../components';
import { formatInstant } from '../format';
import { words } from '../i18n/procedure-text';
import { layout } from '../layout';
import { page } from '../page';

const PAGE_SIZE = 25;

export const myDataPages = [
  page('GET', '/my/data', allow('citizen'), async (ctx) => {
    const { t } = ctx;
    const w = words(ctx.lang);
    const personalId = ctx.principal.kind === 'citizen' ? ctx.principal.personalId : '';
    requireSelfOrStaff(ctx.principal, personalId);
    const before = /^\d{1,18}$/.test(ctx.c.req.query('before') ?? '') ? Number(ctx.c.req.query('before')) : undefined;
    const entries = await listAccessLog(ctx.deps.db, { personalId, ...(before ? { before } : {}), limit: PAGE_SIZE + 1 });
    const items = entries.slice(0, PAGE_SIZE);
    const what = (kind: string) => (kind === 'view' ? t.accessView : kind === 'write' ? t.accessWrite : t.accessRead);
    const rows = items.map((e) => [
      formatInstant(e.at, ctx.lang),
      html`${w.agency(e.agency)}<br><span class="govuk-body-s">${e.actor}</span>`,
      html`${what(e.kind)} — ${w.register(e.registry)}`,
      e.fields.map((f) => w.field(f)).join(', ') || '—',
      e.caseId || t.applicationPreview,
      e.purpose,
      e.legalBasis,
    ]);
    const content = html`<h1 class="govuk-heading-l">${t.myDataTitle}</h1>
<p class="govuk-body">${t.myDataLead}</p>
${rows.length === 0 ? html`<p class="govuk-body">${t.myDataEmpty}</p>` : table({ head: [t.colWhen, t.colWho, t.colWhat, t.colFields, t.colCase, t.colPurpose, t.colLegalBasis], rows })}
${pagination({ previous: before ? '/my/data' : undefined, next: entries.length > PAGE_SIZE ? `/my/data?before=${items.at(-1)!.id}` : undefined, previousText: t.firstPage, nextText: t.next, label: t.pagination })}`;
    return ctx.c.html(await layout(ctx, { title: t.myDataTitle, content }));
  }),
];
