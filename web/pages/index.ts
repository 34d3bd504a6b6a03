/** Every console page, declared with its policy (web/page.ts). Part 2 adds the operator, designer and supervisor pages. */
import type { PageDefinition } from '../page';
import { applyPages } from './apply';
import { homePages } from './home';
import { myCasesPages } from './my-cases';
import { myDataPages } from './my-data';
import { officerPages } from './officer';
import { servicesPages } from './services';
import { STAFF_PAGES } from '../staff-pages';

export const CONSOLE_PAGES: readonly PageDefinition[] = [...homePages, ...servicesPages, ...applyPages, ...myCasesPages, ...myDataPages, ...officerPages, ...STAFF_PAGES];
