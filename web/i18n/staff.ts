/** The staff pages' catalogs (operator, designer, supervisor), by the console's language. */
import type { Lang } from './index';
import { staffEn, type StaffMessages } from './staff-en';
import { staffVi } from './staff-vi';

export const STAFF_LANGUAGES: Record<Lang, StaffMessages> = { en: staffEn, vi: staffVi };
export const staffMessages = (lang: Lang): StaffMessages => STAFF_LANGUAGES[lang];
export type { StaffMessages };
