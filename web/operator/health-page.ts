/** /operator/health: task queues with pollers, backlog and oldest task; workers by agency; services; schedules. */
import { html } from 'hono/html';
import { summaryList, table, tag } from '../components';
import { layout } from '../layout';
import { page, type SignedInContext } from '../page';
import { duration, st, when, withStaff } from '../staff-page';
import { systemHealth } from './health';
import { OPERATOR } from './stuck-page';

export const healthPages = [
  page('GET', '/operator/health', OPERATOR, (ctx: SignedInContext) =>
    withStaff(ctx, async (staff) => {
      const s = st(ctx);
      const h = await systemHealth(staff.ops);
      const upTag = (ok: boolean) => (ok ? tag(s.up, 'green') : tag(s.down, 'red'));
      const queues = table({
        caption: s.queuesCaption,
        head: [s.queueCol, s.agency, s.pollersCol, s.backlogCol, s.oldestCol],
        rows: h.queues.map((q) => [
          html`${q.queue} <span class="govuk-hint">(${q.type})</span>`,
          q.agency ?? 'engine',
          q.error ? html`${tag(s.unknown, 'grey')} ${q.error}` : q.livePollers > 0 ? tag(String(q.livePollers), 'green') : tag('0', 'red'),
          q.backlog === null ? '—' : String(q.backlog),
          q.oldestTaskAgeMs === null ? '—' : duration(q.oldestTaskAgeMs),
        ]),
      });
      const workers = table({
        caption: s.workersCaption,
        head: [s.agency, s.workersCol],
        rows: h.workersByAgency.map((w) => [w.agency, w.workers.length ? w.workers.join(', ') : s.noWorkers]),
      });
      const services = summaryList([
        { key: s.temporalService, value: html`${upTag(h.temporal.ok)} ${h.temporal.serverVersion ?? ''} (${h.temporal.latencyMs} ms)${h.temporal.error ? ` ${h.temporal.error}` : ''}` },
        { key: s.database, value: html`${upTag(h.database.ok)} (${h.database.latencyMs} ms)${h.database.error ? ` ${h.database.error}` : ''}` },
      ]);
      const schedules = !h.schedules.supported
        ? html`<h2 class="govuk-heading-m">${s.schedulesCaption}</h2><p class="govuk-body">${s.schedulesUnsupported}</p>`
        : table({
            caption: s.schedulesCaption,
            head: [s.scheduleCol, s.statusCol, s.nextRunCol, s.lastRunCol],
            rows: h.schedules.items.map((x) => [`${x.id}${x.workflowType ? ` (${x.workflowType})` : ''}`, x.paused ? s.paused : s.active, when(ctx, x.nextRunAt), when(ctx, x.lastRunAt)]),
          });
      const content = html`<h1 class="govuk-heading-l">${s.healthTitle}</h1>
<p class="govuk-body">${when(ctx, h.checkedAt)}</p>
<h2 class="govuk-heading-m">${s.dependenciesCaption}</h2>
${services}
${queues}
${workers}
${schedules}`;
      return ctx.c.html(await layout(ctx, { title: s.healthTitle, content }));
    }),
  ),
];
