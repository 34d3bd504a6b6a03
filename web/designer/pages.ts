/**
 * Designer pages: /designer (catalog: versions, running cases per version, lock and replay-check status),
 * /designer/procedures/:id/v/:version (the statechart as a navigable diagram; the selected state's transitions,
 * guards, services with their agency, deadlines and data; static checks; simulation and replay check on demand) and
 * /designer/jobs/:id (progress and outcomes). Everything works without JavaScript.
 */
import { html, raw } from 'hono/html';
import { allow } from '../../api/auth/route-policy';
import { getProcedure, UnknownProcedureError } from '../../procedures/catalog';
import { button, csrfField, table, tag } from '../components';
import { layout, type Html } from '../layout';
import { errorPage, page, type SignedInContext } from '../page';
import { one, qs, st, when, withStaff } from '../staff-page';
import { designerCatalog, lockStatusOf, procedureChecks } from './catalog';
import { linkedDiagramSvg } from './diagram-links';
import { stateDetail, statePaths } from './state-detail';
import { NoSimulationInputError, type DesignerJob } from './simulation-jobs';
import type { StaffMessages } from '../i18n/staff';

const DESIGNER = allow('designer');

const procedureHref = (id: string, version: number, state?: string) => `/designer/procedures/${encodeURIComponent(id)}/v/${version}${qs({ state })}`;

function jobStatus(s: StaffMessages, job: DesignerJob | null, fixtures: number): Html | string {
  if (!job) return s.replayNotRun(fixtures);
  const failed = job.replay.filter((o) => o.status !== 'ok').length;
  const colour = job.status === 'failed' || failed > 0 ? 'red' : job.status === 'done' ? 'green' : 'blue';
  return html`<a class="govuk-link" href="/designer/jobs/${job.id}">${tag(`${job.status}${job.status === 'done' ? ` ${job.replay.length - failed}/${job.replay.length}` : ''}`, colour)}</a>`;
}

function stateDetailHtml(ctx: SignedInContext, def: ReturnType<typeof getProcedure>, state: string): Html {
  const s = st(ctx);
  const d = stateDetail(def, state);
  return html`<h2 class="govuk-heading-m" id="state">${s.stateTitle(d.path)}</h2>
<p class="govuk-body">${d.kind}${d.outcome ? html` — ${tag(d.outcome, 'green')}` : ''}</p>
${table({ caption: s.transitionsCaption, captionClass: 'govuk-table__caption--s', head: [s.eventType, s.guardCol, s.targetsCol, s.declaredOnCol], rows: d.transitions.map((t) => [t.label, t.guard ?? '—', t.targets.join(', ') || '—', t.declaredOn]) })}
${table({ caption: s.servicesCaption, captionClass: 'govuk-table__caption--s', head: [s.servicesCaption, s.agency, s.reason], rows: d.services.length ? d.services.map((x) => [x.name, x.agency ?? '?', `${x.purpose ?? ''} (${x.legalBasis ?? ''})`]) : [[s.nothing, '', '']] })}
${table({ caption: s.deadlinesCaption, captionClass: 'govuk-table__caption--s', head: [s.deadlinesCaption, s.whenCol, s.reason], rows: d.deadlines.length ? d.deadlines.map((x) => [x.step, `${x.workingDays}${x.workingDaysWithVerification !== undefined ? ` (${x.workingDaysWithVerification})` : ''}`, x.legalBasis]) : [[s.nothing, '', '']] })}
${table({ caption: s.dataNeededCaption, captionClass: 'govuk-table__caption--s', head: [s.eventType, s.dataNeededCaption], rows: d.dataNeeded.length ? d.dataNeeded.map((x) => [x.event, x.fields.join(', ') || '—']) : [[s.nothing, '']] })}
${table({ caption: s.dataProducedCaption, captionClass: 'govuk-table__caption--s', head: [s.dataProducedCaption, s.servicesCaption], rows: d.dataProduced.length ? d.dataProduced.map((x) => [x.field, `${x.service}.${x.output}`]) : [[s.nothing, '']] })}`;
}

export const designerPages = [
  page('GET', '/designer', DESIGNER, (ctx: SignedInContext) =>
    withStaff(ctx, async (staff) => {
      const s = st(ctx);
      const catalog = await designerCatalog(ctx.deps.db, staff.designer.paths);
      const lockColour = { locked: 'green', notLocked: 'yellow', changedWithoutVersionBump: 'red' } as const;
      const content = html`<h1 class="govuk-heading-l">${s.catalogTitle}</h1>
${catalog.map((p) =>
  table({
    caption: `${p.title} (${p.id})`,
    head: [s.versionCol, s.statusCol, s.lockCol, s.runningCol, s.totalCol, s.replayCol],
    rows: p.versions.map((v) => [
      html`<a class="govuk-link" href="${procedureHref(p.id, v.version)}">${p.id} v${v.version}</a>`,
      v.status,
      tag(s[`lock_${v.lock}`], lockColour[v.lock]),
      String(v.runningCases),
      String(v.totalCases),
      jobStatus(s, staff.designer.jobs.latest(p.id, v.version, 'replayCheck'), v.replayFixtures),
    ]),
  }),
)}`;
      return ctx.c.html(await layout(ctx, { title: s.catalogTitle, content }));
    }),
  ),

  page('GET', '/designer/procedures/:id/v/:version', DESIGNER, (ctx: SignedInContext) =>
    withStaff(ctx, async (staff) => {
      const s = st(ctx);
      let def;
      try {
        def = getProcedure(ctx.c.req.param('id') ?? '', Number(ctx.c.req.param('version')));
      } catch (err) {
        if (err instanceof UnknownProcedureError) return errorPage(ctx, 404, ctx.t.notFoundTitle, ctx.t.notFoundBody, 'UNKNOWN_PROCEDURE');
        throw err;
      }
      const paths = statePaths(def);
      const selected = paths.includes(ctx.c.req.query('state') ?? '') ? ctx.c.req.query('state')! : null;
      const svg = linkedDiagramSvg(def, (p) => `${procedureHref(def.id, def.version, p)}#state`, selected, `${def.title} v${def.version}`);
      const problems = (await procedureChecks(def.id, staff.designer.paths)).filter((p) => p.version === def.version);
      const action = (what: string) => `/designer/procedures/${encodeURIComponent(def.id)}/v/${def.version}/${what}`;
      const content = html`<h1 class="govuk-heading-l">${def.title}</h1>
<p class="govuk-body">${def.id} v${def.version} — ${def.status ?? 'active'} — ${s.lockCol}: ${s[`lock_${lockStatusOf(def, staff.designer.paths.lockFile)}`]} — ${s.agency}: ${def.agencies.join(', ')}</p>
<div class="govuk-grid-row">
  <div class="govuk-grid-column-two-thirds"><h2 class="govuk-heading-m">${s.diagramCaption}</h2><div class="console-diagram">${raw(svg)}</div></div>
  <div class="govuk-grid-column-one-third"><nav aria-labelledby="states-list"><h2 class="govuk-heading-s" id="states-list">${s.statesList}</h2>
  <ul class="govuk-list govuk-list--spaced console-states">${paths.map((p) => html`<li><a class="govuk-link" href="${procedureHref(def.id, def.version, p)}#state"${p === selected ? raw(' aria-current="true"') : ''}>${p}</a></li>`)}</ul></nav></div>
</div>
${selected ? stateDetailHtml(ctx, def, selected) : html`<p class="govuk-body" id="state">${s.noStateSelected}</p>`}
<h2 class="govuk-heading-m">${s.simulateTitle}</h2>
<p class="govuk-body">${s.simulateLead}</p>
<form method="post" action="${action('simulate')}" novalidate>${csrfField(ctx.session)}<input type="hidden" name="state" value="${selected ?? ''}">${button(selected ? s.simulateState(selected) : s.simulateAll)}</form>
<form method="post" action="${action('replay-check')}" novalidate>${csrfField(ctx.session)}${button(s.replayCheck, { secondary: true })}</form>
${table({ caption: s.checksCaption, head: [s.statusCol, s.reason], rows: problems.length ? problems.map((p) => [tag(p.severity, p.severity === 'error' ? 'red' : 'yellow'), p.message]) : [[tag('ok', 'green'), s.checksClean]] })}`;
      return ctx.c.html(await layout(ctx, { title: `${def.title} v${def.version}`, content }));
    }),
  ),

  ...(['simulate', 'replay-check'] as const).map((what) =>
    page('POST', `/designer/procedures/:id/v/:version/${what}`, DESIGNER, (ctx: SignedInContext) =>
      withStaff(ctx, async (staff) => {
        const state = one(ctx.form.state) || null;
        try {
          const job = staff.designer.jobs.start(what === 'simulate' ? 'simulation' : 'replayCheck', {
            procedureId: ctx.c.req.param('id') ?? '',
            version: Number(ctx.c.req.param('version')),
            state,
            startedBy: ctx.principal.kind === 'staff' ? ctx.principal.id : '?',
          });
          return ctx.c.redirect(`/designer/jobs/${job.id}`, 303);
        } catch (err) {
          if (err instanceof UnknownProcedureError) return errorPage(ctx, 404, ctx.t.notFoundTitle, ctx.t.notFoundBody, 'UNKNOWN_PROCEDURE');
          if (err instanceof NoSimulationInputError) return errorPage(ctx, 422, ctx.t.errorPageTitle, err.message, err.code);
          throw err;
        }
      }),
    ),
  ),

  page('GET', '/designer/jobs/:jobId', DESIGNER, (ctx: SignedInContext) =>
    withStaff(ctx, async (staff) => {
      const s = st(ctx);
      const job = staff.designer.jobs.get(ctx.c.req.param('jobId') ?? '');
      if (!job) return errorPage(ctx, 404, ctx.t.notFoundTitle, ctx.t.notFoundBody, 'JOB_NOT_FOUND');
      const kind = job.kind === 'simulation' ? s.simulateTitle : s.replayCheck;
      const finished = job.status === 'done' || job.status === 'failed';
      const content = html`<h1 class="govuk-heading-l">${s.jobTitle(kind)}</h1>
<p class="govuk-body"><a class="govuk-link" href="${procedureHref(job.procedureId, job.version, job.state ?? undefined)}">${job.procedureId} v${job.version}${job.state ? ` — ${job.state}` : ''}</a> · ${when(ctx, job.createdAt)}</p>
<p class="govuk-body-l" id="job-status" role="status">${s.jobStatus(job.status, job.done, job.total === null ? '?' : String(job.total))}</p>
${job.total ? html`<progress class="console-progress" max="${job.total}" value="${job.done}" aria-labelledby="job-status"></progress>` : ''}
${finished ? '' : html`<p class="govuk-body"><a class="govuk-link" href="/designer/jobs/${job.id}" id="refresh">${s.refresh}</a></p>`}
${job.error ? html`<div class="govuk-error-summary" role="alert"><h2 class="govuk-error-summary__title">${s.failedTitle}</h2><p class="govuk-body">${job.error}</p></div>` : ''}
${job.paths.length
  ? table({
      caption: s.simulateTitle,
      head: [s.pathCol, s.predictedCol, s.engineCol, s.matchCol],
      rows: job.paths.map((p) => [html`<span class="govuk-body-s">${p.index}. ${p.description}</span>`, `${p.predictedFinalState} (${p.predictedOutcome})`, p.error ? `error: ${p.error}` : `${p.engineFinalState ?? '—'} (${p.engineOutcome ?? '—'})`, p.matches ? tag(s.yes, 'green') : tag(s.no, 'red')]),
    })
  : ''}
${job.replay.length ? table({ caption: s.replayCheck, head: [s.pathCol, s.statusCol], rows: job.replay.map((o) => [o.name, o.status === 'ok' ? tag('ok', 'green') : html`${tag(o.status, 'red')} ${o.message ?? ''}`]) }) : ''}
<details class="govuk-details"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">log</span></summary><div class="govuk-details__text"><pre class="console-pre">${job.progress.join('\n')}</pre></div></details>`;
      return ctx.c.html(await layout(ctx, { title: s.jobTitle(kind), content }));
    }),
  ),
];
