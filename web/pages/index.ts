/** Every console page, declared with its policy (web/page.ts). Part 2 adds the operator, designer and supervisor pages. */
import type { PageDefinition } from '../page';
import { homePages } from './home';
import { STAFF_PAGES } from '../staff-pages';

export const CONSOLE_PAGES: readonly PageDefinition[] = [...homePages, ...STAFF_PAGES];
