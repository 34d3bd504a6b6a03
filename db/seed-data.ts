/**
 * Reference data for the synthetic population: names, ethnicities and communes. Commune names and codes are
 * illustrative (5-digit codes in the GSO ranges of each province), not the official post-2025 list.
 */

export interface Weighted<T> {
  value: T;
  weight: number;
}

import { communesOf, SEEDED_COMMUNES, type Commune } from '../domain/communes';

const w = <T>(pairs: [T, number][]): Weighted<T>[] => pairs.map(([value, weight]) => ({ value, weight }));

export const FAMILY_NAMES = w<string>([
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9.5], ['Phạm', 7], ['Hoàng', 5], ['Huỳnh', 2], ['Phan', 4.5], ['Vũ', 3.9],
  ['Võ', 2], ['Đặng', 2.1], ['Bùi', 2], ['Đỗ', 1.4], ['Hồ', 1.3], ['Ngô', 1.3], ['Dương', 1], ['Lý', 0.5],
  ['Đinh', 0.8], ['Trương', 0.6], ['Đào', 0.5], ['Lương', 0.4], ['Mai', 0.4], ['Tạ', 0.3], ['Cao', 0.3],
  ['Lâm', 0.3], ['Trịnh', 0.5],
]);

/** Family names common among some ethnic groups (used instead of the general list for them). */
export const ETHNIC_FAMILY_NAMES: Record<string, string[]> = {
  "H'Mông": ['Giàng', 'Sùng', 'Vàng', 'Thào', 'Lý', 'Hầu'],
  Thái: ['Lò', 'Quàng', 'Cầm', 'Lường', 'Vi', 'Hà'],
  Dao: ['Triệu', 'Bàn', 'Đặng', 'Lý'],
  Tày: ['Hoàng', 'Nông', 'Lương', 'Ma', 'Triệu'],
  Khmer: ['Thạch', 'Sơn', 'Danh', 'Kim', 'Lâm'],
  'Ê Đê': ['Niê', 'Ksơr', 'Mlô', 'Êban'],
  Hoa: ['Lâm', 'Trương', 'Lý', 'Quách', 'Hứa'],
};

export const MIDDLE_NAMES = {
  male: ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thành', 'Công', 'Xuân', 'Quang', 'Anh', 'Gia', 'Hoàng', 'Trọng', 'Tuấn'],
  female: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Phương', 'Hồng', 'Kim', 'Bảo', 'Khánh', 'Mai', 'Diệu', 'Thùy'],
};

export const GIVEN_NAMES = {
  male: [
    'An', 'Bảo', 'Bình', 'Cường', 'Dũng', 'Duy', 'Đạt', 'Hải', 'Hiếu', 'Hoàng', 'Hùng', 'Huy', 'Khang', 'Khoa', 'Khôi',
    'Kiên', 'Lâm', 'Long', 'Minh', 'Nam', 'Nghĩa', 'Nhân', 'Phong', 'Phúc', 'Quân', 'Quang', 'Sơn', 'Tài', 'Thắng',
    'Thành', 'Thịnh', 'Trung', 'Tuấn', 'Tùng', 'Việt', 'Vinh', 'Vũ',
  ],
  female: [
    'Anh', 'Châu', 'Chi', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hằng', 'Hiền', 'Hoa', 'Hương', 'Huyền', 'Lan', 'Linh', 'Loan',
    'Mai', 'My', 'Nga', 'Ngân', 'Ngọc', 'Nhung', 'Nhi', 'Oanh', 'Phương', 'Quỳnh', 'Tâm', 'Thảo', 'Thủy', 'Trang',
    'Trinh', 'Tuyết', 'Uyên', 'Vân', 'Vy', 'Yến',
  ],
};

export const STREETS = [
  'Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Trãi', 'Hai Bà Trưng', 'Lý Thường Kiệt', 'Quang Trung', 'Nguyễn Huệ',
  'Phan Chu Trinh', 'Điện Biên Phủ', 'Hùng Vương', 'Lê Duẩn', 'Nguyễn Du', 'Bà Triệu', 'Võ Thị Sáu', 'Cách Mạng Tháng Tám',
];

/** A commune of the project's commune table (domain/communes.ts). */
export type SeedCommune = Pick<Commune, 'code' | 'name'>;

export interface SeedProvince {
  code: string; // 2025 code
  /** Relative population weight (millions, approximate). */
  weight: number;
  communes: SeedCommune[];
  ethnicities: Weighted<string>[];
}

const KINH_MAJORITY = w<string>([['Kinh', 96], ['Hoa', 1.5], ['Mường', 1], ['Tày', 0.8], ['Nùng', 0.7]]);

/** The provinces the seed places households in (a subset of the 34, weighted by population). */
export const SEED_PROVINCES: SeedProvince[] = [
  {
    code: '01', weight: 8.7, ethnicities: KINH_MAJORITY,
    communes: communesOf('01', SEEDED_COMMUNES),
  },
  {
    code: '79', weight: 14, ethnicities: w([['Kinh', 92], ['Hoa', 5], ['Khmer', 1.5], ['Chăm', 0.5], ['Tày', 1]]),
    communes: communesOf('79', SEEDED_COMMUNES),
  },
  {
    code: '31', weight: 4.7, ethnicities: KINH_MAJORITY,
    communes: communesOf('31', SEEDED_COMMUNES),
  },
  {
    code: '48', weight: 3.1, ethnicities: w([['Kinh', 97], ['Cơ Tu', 2], ['Hoa', 1]]),
    communes: communesOf('48', SEEDED_COMMUNES),
  },
  {
    code: '92', weight: 4.2, ethnicities: w([['Kinh', 85], ['Khmer', 13], ['Hoa', 2]]),
    communes: communesOf('92', SEEDED_COMMUNES),
  },
  {
    code: '46', weight: 1.4, ethnicities: w([['Kinh', 97], ['Tà Ôi', 2], ['Cơ Tu', 1]]),
    communes: communesOf('46', SEEDED_COMMUNES),
  },
  {
    code: '40', weight: 3.8, ethnicities: w([['Kinh', 85], ['Thái', 11], ["H'Mông", 3], ['Khơ Mú', 1]]),
    communes: communesOf('40', SEEDED_COMMUNES),
  },
  {
    code: '38', weight: 4.3, ethnicities: w([['Kinh', 82], ['Mường', 11], ['Thái', 6], ["H'Mông", 1]]),
    communes: communesOf('38', SEEDED_COMMUNES),
  },
  {
    code: '15', weight: 1.8, ethnicities: w([['Kinh', 35], ["H'Mông", 25], ['Tày', 15], ['Dao', 15], ['Giáy', 5], ['Nùng', 5]]),
    communes: communesOf('15', SEEDED_COMMUNES),
  },
  {
    code: '14', weight: 1.4, ethnicities: w([['Thái', 54], ['Kinh', 17], ["H'Mông", 16], ['Mường', 8], ['Dao', 5]]),
    communes: communesOf('14', SEEDED_COMMUNES),
  },
  {
    code: '91', weight: 4.9, ethnicities: w([['Kinh', 89], ['Khmer', 9], ['Chăm', 1], ['Hoa', 1]]),
    communes: communesOf('91', SEEDED_COMMUNES),
  },
  {
    code: '66', weight: 3.3, ethnicities: w([['Kinh', 66], ['Ê Đê', 18], ['Nùng', 5], ['Tày', 5], ["M'Nông", 3], ['Gia Rai', 3]]),
    communes: communesOf('66', SEEDED_COMMUNES),
  },
];

/** Relations to the household head (Vietnamese register terms in comments). */
export const RELATIONS = {
  head: 'head', // chủ hộ
  spouse: 'spouse', // vợ / chồng
  child: 'child', // con
  childInLaw: 'child-in-law', // con dâu / con rể
  grandchild: 'grandchild', // cháu
  parent: 'parent', // bố / mẹ
} as const;
