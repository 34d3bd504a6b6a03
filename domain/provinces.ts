/**
 * Administrative units as data (pure; safe in the workflow sandbox).
 *
 * Since 1 July 2025 Vietnam has two levels: 34 provinces (2-digit codes) and communes (5-digit codes).
 * The merged provinces kept the code of one of the former provinces, and codes are never reused, so the
 * 63 pre-2025 codes stay meaningful: personal ID numbers issued before 2025 carry "0" + the old code.
 */

export interface Province {
  code: string; // 2 digits
  name: string;
  /** Pre-2025 province codes merged into this one (including its own). */
  formerCodes: readonly string[];
}

/** The 34 provinces and centrally-run cities since 1 July 2025 (Resolution 202/2025/QH15). */
export const PROVINCES_2025: readonly Province[] = [
  { code: '01', name: 'Hà Nội', formerCodes: ['01'] },
  { code: '04', name: 'Cao Bằng', formerCodes: ['04'] },
  { code: '08', name: 'Tuyên Quang', formerCodes: ['08', '02'] },
  { code: '11', name: 'Điện Biên', formerCodes: ['11'] },
  { code: '12', name: 'Lai Châu', formerCodes: ['12'] },
  { code: '14', name: 'Sơn La', formerCodes: ['14'] },
  { code: '15', name: 'Lào Cai', formerCodes: ['15', '10'] },
  { code: '19', name: 'Thái Nguyên', formerCodes: ['19', '06'] },
  { code: '20', name: 'Lạng Sơn', formerCodes: ['20'] },
  { code: '22', name: 'Quảng Ninh', formerCodes: ['22'] },
  { code: '24', name: 'Bắc Ninh', formerCodes: ['24', '27'] },
  { code: '25', name: 'Phú Thọ', formerCodes: ['25', '26', '17'] },
  { code: '31', name: 'Hải Phòng', formerCodes: ['31', '30'] },
  { code: '33', name: 'Hưng Yên', formerCodes: ['33', '34'] },
  { code: '37', name: 'Ninh Bình', formerCodes: ['37', '35', '36'] },
  { code: '38', name: 'Thanh Hóa', formerCodes: ['38'] },
  { code: '40', name: 'Nghệ An', formerCodes: ['40'] },
  { code: '42', name: 'Hà Tĩnh', formerCodes: ['42'] },
  { code: '44', name: 'Quảng Trị', formerCodes: ['44', '45'] },
  { code: '46', name: 'Huế', formerCodes: ['46'] },
  { code: '48', name: 'Đà Nẵng', formerCodes: ['48', '49'] },
  { code: '51', name: 'Quảng Ngãi', formerCodes: ['51', '62'] },
  { code: '52', name: 'Gia Lai', formerCodes: ['52', '64'] },
  { code: '56', name: 'Khánh Hòa', formerCodes: ['56', '58'] },
  { code: '66', name: 'Đắk Lắk', formerCodes: ['66', '54'] },
  { code: '68', name: 'Lâm Đồng', formerCodes: ['68', '67', '60'] },
  { code: '75', name: 'Đồng Nai', formerCodes: ['75', '70'] },
  { code: '79', name: 'TP Hồ Chí Minh', formerCodes: ['79', '74', '77'] },
  { code: '80', name: 'Tây Ninh', formerCodes: ['80', '72'] },
  { code: '82', name: 'Đồng Tháp', formerCodes: ['82', '87'] },
  { code: '86', name: 'Vĩnh Long', formerCodes: ['86', '83', '84'] },
  { code: '91', name: 'An Giang', formerCodes: ['91', '89'] },
  { code: '92', name: 'Cần Thơ', formerCodes: ['92', '93', '94'] },
  { code: '96', name: 'Cà Mau', formerCodes: ['96', '95'] },
];

const byCode = new Map(PROVINCES_2025.map((p) => [p.code, p]));

/** Every pre-2025 2-digit code (63 provinces), each mapped to the 2025 province it belongs to now. */
export const FORMER_PROVINCE_CODES: ReadonlyMap<string, string> = new Map(
  PROVINCES_2025.flatMap((p) => p.formerCodes.map((c) => [c, p.code] as const)),
);

export function isProvinceCode(code: string): boolean {
  return byCode.has(code);
}

export function getProvince(code: string): Province | undefined {
  return byCode.get(code);
}

/** The 2025 province a former (or current) 2-digit code belongs to. */
export function currentProvinceOf(code: string): string | undefined {
  return FORMER_PROVINCE_CODES.get(code);
}

/**
 * Valid 3-digit prefixes of a personal ID number: "0" + any province code ever issued (pre- or post-2025).
 * IDs of people whose birth was registered abroad use other codes that are not modelled here.
 */
export function isPersonalIdProvinceCode(code3: string): boolean {
  return /^0\d\d$/.test(code3) && FORMER_PROVINCE_CODES.has(code3.slice(1));
}

/** Commune codes are 5 digits; "00000" is not a unit. Membership in a province needs the commune list (a registry). */
export function isCommuneCode(code: string): boolean {
  return /^\d{5}$/.test(code) && code !== '00000';
}
