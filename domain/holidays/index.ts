/** The shipped holiday calendars. Data, not code: add a JSON file per year and list it here. */
import type { HolidayYear } from '../working-days';
import vn2025 from './vn-2025.json';
import vn2026 from './vn-2026.json';
import vn2027 from './vn-2027.json';

export const VN_HOLIDAYS: readonly HolidayYear[] = [vn2025, vn2026, vn2027];
