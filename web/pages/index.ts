/** Every console page, declared with its policy (web/page.ts). Part 2 adds the operator, designer and supervisor pages. */
import type { PageDefinition } from '../page';
import { homePages } from './home';

export const CONSOLE_PAGES: readonly PageDefinition[] = [...homePages];
