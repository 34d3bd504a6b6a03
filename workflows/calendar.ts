/** The working-day calendar as data, bundled into the workflow (sandbox-safe JSON imports). */
import vn2025 from '../domain/holidays/vn-2025.json';
import vn2026 from '../domain/holidays/vn-2026.json';
import vn2027 from '../domain/holidays/vn-2027.json';
import { createCalendar, type HolidayYear, type WorkingCalendar } from '../domain/working-days';

export const HOLIDAY_DATA: readonly HolidayYear[] = [vn2025, vn2026, vn2027] as HolidayYear[];

/** Years without data count weekends only rather than failing a running case. */
export const WORKING_CALENDAR: WorkingCalendar = createCalendar(HOLIDAY_DATA, { outOfRange: 'weekends-only' });
