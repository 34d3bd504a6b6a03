/**
 * The project's commune table: the reference for commune codes (Decision on administrative units since
 * 1 July 2025: provinces of 2 digits, communes of 5). A commune code must be in this list and belong to the given
 * province. Codes are never reused; a retired code stays here, marked, valid for history only. Names and codes are
 * illustrative (5-digit codes in the GSO ranges of each province), not the official post-2025 list: an agency
 * replaces this table with the official one. Pure data (safe in the workflow sandbox).
 */

export interface Commune {
  code: string; // 5 digits
  name: string;
  /** The 2025 province (2 digits) the commune belongs to. */
  provinceCode: string;
  /** Set for a code no longer in use: valid in records made before, refused for new ones. */
  retired?: true;
}

/** The communes the synthetic population lives in (db/seed-data.ts places households here). */
export const SEEDED_COMMUNES: readonly Commune[] = [
  { code: '00004', name: 'Phường Ba Đình', provinceCode: '01' },
  { code: '00070', name: 'Phường Hoàn Kiếm', provinceCode: '01' },
  { code: '00166', name: 'Phường Đống Đa', provinceCode: '01' },
  { code: '00256', name: 'Phường Hai Bà Trưng', provinceCode: '01' },
  { code: '00169', name: 'Phường Cầu Giấy', provinceCode: '01' },
  { code: '08980', name: 'Xã Sóc Sơn', provinceCode: '01' },
  { code: '26734', name: 'Phường Sài Gòn', provinceCode: '79' },
  { code: '26740', name: 'Phường Tân Định', provinceCode: '79' },
  { code: '26743', name: 'Phường Bến Thành', provinceCode: '79' },
  { code: '26944', name: 'Phường Bình Thạnh', provinceCode: '79' },
  { code: '25747', name: 'Phường Thủ Dầu Một', provinceCode: '79' },
  { code: '26506', name: 'Phường Vũng Tàu', provinceCode: '79' },
  { code: '11311', name: 'Phường Hồng Bàng', provinceCode: '31' },
  { code: '11383', name: 'Phường Lê Chân', provinceCode: '31' },
  { code: '10507', name: 'Phường Hải Dương', provinceCode: '31' },
  { code: '20194', name: 'Phường Hải Châu', provinceCode: '48' },
  { code: '20227', name: 'Phường Thanh Khê', provinceCode: '48' },
  { code: '20335', name: 'Phường Hội An', provinceCode: '48' },
  { code: '31117', name: 'Phường Ninh Kiều', provinceCode: '92' },
  { code: '31150', name: 'Phường Cái Răng', provinceCode: '92' },
  { code: '31510', name: 'Phường Sóc Trăng', provinceCode: '92' },
  { code: '19753', name: 'Phường Thuận Hóa', provinceCode: '46' },
  { code: '19774', name: 'Phường Phú Xuân', provinceCode: '46' },
  { code: '16681', name: 'Phường Trường Vinh', provinceCode: '40' },
  { code: '17110', name: 'Xã Diễn Châu', provinceCode: '40' },
  { code: '14758', name: 'Phường Hạc Thành', provinceCode: '38' },
  { code: '15970', name: 'Xã Hoằng Hóa', provinceCode: '38' },
  { code: '02680', name: 'Phường Lào Cai', provinceCode: '15' },
  { code: '02800', name: 'Phường Sa Pa', provinceCode: '15' },
  { code: '03646', name: 'Phường Tô Hiệu', provinceCode: '14' },
  { code: '04033', name: 'Xã Mộc Châu', provinceCode: '14' },
  { code: '30280', name: 'Phường Long Xuyên', provinceCode: '91' },
  { code: '30904', name: 'Phường Rạch Giá', provinceCode: '91' },
  { code: '24121', name: 'Phường Buôn Ma Thuột', provinceCode: '66' },
  { code: '22015', name: 'Phường Tuy Hòa', provinceCode: '66' },];

export const COMMUNES: readonly Commune[] = [
  ...SEEDED_COMMUNES,
  // Home towns of fixture people and other units with no seeded household.
  { code: '00100', name: 'Phường Ngọc Hà', provinceCode: '01' },
  { code: '13597', name: 'Phường Nam Định', provinceCode: '37' },
  { code: '06760', name: 'Phường Phan Đình Phùng', provinceCode: '19' },
];

const byCode = new Map(COMMUNES.map((c) => [c.code, c]));

export function findCommune(code: string): Commune | undefined {
  return byCode.get(code);
}

/** The communes of a province in the table (or in a part of it). */
export function communesOf(provinceCode: string, table: readonly Commune[] = COMMUNES): Commune[] {
  return table.filter((c) => c.provinceCode === provinceCode && !c.retired);
}
