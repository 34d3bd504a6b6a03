/**
 * /supervisor: the service-quality dashboard (Decision 766 indicators and the read model's KPIs for a period,
 * filtered by agency, procedure and province, grouped by one of them; charts over time from the daily snapshots with
 * the same figures in tables; overdue cases now, paged on the server) and /supervisor/kpis.csv (the same rows as
 * `GET /kpis?format=csv`). For auditors (supervisors), operators and officers (their agency's figures).
 */
import { html, raw } from 'hono/html';
import { allow } from '../../api/auth/route-policy';
import { CATALOG } from '../../procedures/catalog';
import { KPI_GROUPS, type KpiGroup, type KpiRow } from '../../db/engine/kpis';
import { InvalidCursorError } from '../../db/engine/case-lists';
import { AGENCY_IDS, isAgencyId } from '../../agencies/index';
import { input, pagination, select, table } from '../components';
import { layout, type Html } from '../layout';
import { errorPage, page, type SignedInContext } from '../page';
import { filterForm, percent, qs, st, when } from '../staff-page';
import type { StaffMessages } from '../i18n/staff';
import { AgencyScopeError, dashboardCsv, PERIODS, supervisorDashboard, type DashboardQuery, type Period } from './dashboard';
import { lineChartSvg } from './svg-chart';

export const SUPERVISOR = allow('auditor', 'operator', 'officer');

const COLUMNS = ['received', 'settled', 'settledOnTime', 'onTimeRate', 'overdueNow', 'averageSettlementWorkingDays', 'p90SettlementWorkingDays', 'onlineShare', 'reuseRate', 'populationDataShare', 'electronicResultShare'] as const;
const RATES = new Set<string>(['onTimeRate', 'onlineShare', 'reuseRate', 'populationDataShare', 'electronicResultShare']);

function queryOf(ctx: SignedInContext): DashboardQuery {
  const q = ctx.c.req.query();
  return {
    agency: isAgencyId(q.agency) ? q.agency : undefined,
    procedureId: CATALOG.has(q.procedure ?? '') ? q.procedure : undefined,
    provinceCode: /^\d{2}$/.test(q.province ?? '') ? q.province : undefined,
    period: (PERIODS as readonly string[]).includes(q.period ?? '') ? (q.period as Period) : 'last30',
    groupBy: (KPI_GROUPS as readonly string[]).includes(q.groupBy ?? '') ? (q.groupBy as KpiGroup) : undefined,
    overdueCursor: q.overdueCursor || undefined,
  };
}

const linkQuery = (q: DashboardQuery) => ({ agency: q.agency, procedure: q.procedureId, province: q.provinceCode, period: q.period, groupBy: q.groupBy });

function cell(row: KpiRow, c: (typeof COLUMNS)[number]): string {
  const v = row[c];
  if (v === null) return '—';
  return RATES.has(c) ? percent(v) : String(v);
}

function kpiTable(s: StaffMessages, rows: KpiRow[], groupBy: KpiGroup | undefined): Html {
  return table({
    caption: s.kpiCaption,
    head: [groupBy ? s[`group_${groupBy}`] : '', ...COLUMNS.map((c) => s[`kpi_${c}`]), s.kpi_scoreTotal],
    rows: rows.map((r) => [r.group, ...COLUMNS.map((c) => cell(r, c)), r.scores.total === null ? '—' : String(r.scores.total)]),
  });
}

function charts(ctx: SignedInContext, s: StaffMessages, d: Awaited<ReturnType<typeof supervisorDashboard>>): Html {
  if (d.history.length === 0) return html`<h2 class="govuk-heading-m">${s.chartsCaption}</h2><p class="govuk-body">${s.noSnapshots}</p>`;
  const first = d.history[0].day;
  const last = d.history[d.history.length - 1].day;
  const series = (['received', 'settled', 'onTimeRate', 'overdueNow'] as const).map((k) => {
    const points = d.history.map((h) => ({ day: h.day, value: h.indicators[k] as number | null }));
    const svg = lineChartSvg(points, { title: s[`kpi_${k}`], description: s.chartDescription(s[`kpi_${k}`], first, last), ...(RATES.has(k) ? { max: 1, format: (v: number) => percent(v) } : {}) });
    return html`<div class="govuk-grid-column-one-half"><h3 class="govuk-heading-s">${s[`kpi_${k}`]}</h3>${raw(svg)}</div>`;
  });
  const rows = d.history.map((h) => [h.day, ...COLUMNS.map((c) => cell({ group: h.groupKey, ...h.indicators } as KpiRow, c))]);
  return html`<h2 class="govuk-heading-m">${s.chartsCaption}</h2>
<div class="govuk-grid-row">${series}</div>
<div class="console-scroll">${table({ caption: s.chartsCaption, captionClass: 'govuk-table__caption--s', head: [s.whenCol, ...COLUMNS.map((c) => s[`kpi_${c}`])], rows })}</div>`;
}

async function dashboardOrError(ctx: SignedInContext) {
  try {
    return await supervisorDashboard(ctx.deps.db, ctx.principal, queryOf(ctx), ctx.deps.now());
  } catch (err) {
    if (err instanceof AgencyScopeError) return errorPage(ctx, 403, ctx.t.forbiddenTitle, ctx.t.forbiddenBody, err.code);
    if (err instanceof InvalidCursorError) return errorPage(ctx, 400, ctx.t.errorPageTitle, err.message, err.code);
    throw err;
  }
}

export const supervisorPages = [
  page('GET', '/supervisor', SUPERVISOR, async (ctx: SignedInContext) => {
    const s = st(ctx);
    const d = await dashboardOrError(ctx);
    if (d instanceof Response) return d;
    const q = d.query;
    const opt = (value: string, text: string) => ({ value, text });
    const fields = [
      select({ name: 'period', label: s.period, value: q.period, items: PERIODS.map((p) => opt(p, s[`period_${p}`])) }),
      select({ name: 'agency', label: s.agency, value: q.agency ?? '', items: [opt('', s.any), ...AGENCY_IDS.map((a) => opt(a, a))] }),
      select({ name: 'procedure', label: s.procedure, value: q.procedureId ?? '', items: [opt('', s.any), ...[...CATALOG.keys()].sort().map((id) => opt(id, id))] }),
      input({ name: 'province', label: s.province, value: q.provinceCode ?? '', width: 'govuk-input--width-10', inputmode: 'numeric' }),
      select({ name: 'groupBy', label: s.groupBy, value: q.groupBy ?? '', items: [opt('', s.group_none), ...KPI_GROUPS.map((g) => opt(g, s[`group_${g}`]))] }),
    ];
    const overdue = d.overdue.items.length
      ? table({
          caption: s.overdueCaption,
          head: [s.caseCol, s.procedure, s.receivedCol, s.deadlineCol, s.stateCol],
          rows: d.overdue.items.map((c) => [c.caseId, `${c.procedureId} v${c.procedureVersion}`, when(ctx, c.receivedAt), when(ctx, c.deadlineAt), c.activeStates.join(', ')]),
        })
      : html`<h2 class="govuk-heading-m">${s.overdueCaption}</h2><p class="govuk-body">${s.noOverdue}</p>`;
    const content = html`<h1 class="govuk-heading-l">${s.dashboardTitle}</h1>
${filterForm('/supervisor', s.filters, s.apply, fields)}
<p class="govuk-body">${d.from || d.to ? `${d.from ? when(ctx, d.from) : '…'} – ${d.to ? when(ctx, d.to) : '…'}` : s.period_all}</p>
<div class="console-scroll" id="kpis">${kpiTable(s, d.rows, q.groupBy)}</div>
<p class="govuk-body"><a class="govuk-link" href="/supervisor/kpis.csv${qs(linkQuery(q))}" download>${s.downloadCsv}</a></p>
${charts(ctx, s, d)}
${overdue}
${pagination({ next: d.overdue.nextCursor ? `/supervisor${qs({ ...linkQuery(q), overdueCursor: d.overdue.nextCursor })}` : undefined, previousText: s.previous, nextText: s.next, label: s.paging })}`;
    return ctx.c.html(await layout(ctx, { title: s.dashboardTitle, content }));
  }),
  page('GET', '/supervisor/kpis.csv', SUPERVISOR, async (ctx: SignedInContext) => {
    const d = await dashboardOrError(ctx);
    if (d instanceof Response) return d;
    return ctx.c.body(dashboardCsv(d), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="kpis.csv"' });
  }),
];
