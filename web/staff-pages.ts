/** The operator, designer and supervisor pages (console part 2), registered with the console's other pages. */
import type { PageDefinition } from './page';
import { stuckPages } from './operator/stuck-page';
import { casePages } from './operator/case-page';
import { actionPages } from './operator/action-pages';
import { healthPages } from './operator/health-page';
import { designerPages } from './designer/pages';
import { supervisorPages } from './supervisor/pages';

export const STAFF_PAGES: readonly PageDefinition[] = [...stuckPages, ...casePages, ...actionPages, ...healthPages, ...designerPages, ...supervisorPages];
