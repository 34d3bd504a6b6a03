/**
 * Words for what procedures declare (field names, registers, agencies, events, statuses, outcomes, documents), per
 * language. The catalog itself is in English (procedures/); a name without a translation here falls back to the
 * declaration's own text, so a new procedure is readable at once and translated here when it is published.
 */
import type { Lang } from './index';
import { AGENCIES } from '../../agencies/index';

type Dict = Record<string, string>;

const registers: Record<Lang, Dict> = {
  en: {
    population: 'the National Population Database',
    civilStatus: 'the civil-status register',
    residence: 'the residence register',
    socialInsurance: 'the social-insurance database',
    judicialRecords: 'the judicial records database',
    tax: 'the tax register',
    employment: 'the employment database',
    caseFile: 'the case file',
  },
  vi: {
    population: 'Cơ sở dữ liệu quốc gia về dân cư',
    civilStatus: 'Cơ sở dữ liệu hộ tịch',
    residence: 'Cơ sở dữ liệu cư trú',
    socialInsurance: 'Cơ sở dữ liệu bảo hiểm xã hội',
    judicialRecords: 'Cơ sở dữ liệu lý lịch tư pháp',
    tax: 'Cơ sở dữ liệu thuế',
    employment: 'Cơ sở dữ liệu việc làm',
    caseFile: 'hồ sơ',
  },
};

/** Each agency's names are its module's (agencies/); the platform's operators are no agency. */
const agencies: Record<Lang, Dict> = {
  en: { ...Object.fromEntries(AGENCIES.map((a) => [a.id, a.names.en])), platform: 'Platform operators' },
  vi: { ...Object.fromEntries(AGENCIES.map((a) => [a.id, a.names.vi])), platform: 'Bộ phận vận hành' },
};

const titles: Record<Lang, Dict> = {
  en: {},
  vi: {
    'birth-group': 'Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi',
    'birth-registration': 'Đăng ký khai sinh',
    'permanent-residence': 'Đăng ký thường trú',
    'health-insurance-card': 'Cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi',
    'death-group': 'Liên thông đăng ký khai tử, xóa đăng ký thường trú, trợ cấp mai táng',
    'marriage-registration': 'Đăng ký kết hôn',
    'judicial-record-certificate': 'Cấp phiếu lý lịch tư pháp',
    'household-business-tax': 'Đăng ký thuế hộ kinh doanh',
    'unemployment-benefit': 'Trợ cấp thất nghiệp',
  },
};

const fields: Record<Lang, Dict> = {
  en: {
    'applicant.personalId': 'your personal ID number',
    'mother.personalId': 'the mother\'s personal ID number',
    'father.personalId': 'the father\'s personal ID number',
    'child.fullName': 'the child\'s full name',
    'child.dateOfBirth': 'the child\'s date of birth',
    'child.sex': 'the child\'s sex',
    'child.placeOfBirth': 'the child\'s place of birth (commune code)',
    'child.ethnicity': 'the child\'s ethnicity',
    medicalBirthNoticeNo: 'the medical birth notice number',
    'registration.communeCode': 'the commune to register in (code)',
    'registration.provinceCode': 'the province of that commune (code)',
    'mother.fullName': 'mother\'s full name',
    'mother.dateOfBirth': 'mother\'s date of birth',
    'mother.ethnicity': 'mother\'s ethnicity',
    'mother.nationality': 'mother\'s nationality',
    'mother.homeTown': 'mother\'s home town',
    'father.fullName': 'father\'s full name',
    'father.dateOfBirth': 'father\'s date of birth',
    'father.nationality': 'father\'s nationality',
    'father.homeTown': 'father\'s home town',
    'child.homeTown': 'child\'s home town',
    'child.nationality': 'child\'s nationality',
    'child.personalId': 'child\'s personal ID number',
    'household.headConsent': 'the household head\'s consent',
  },
  vi: {
    'applicant.personalId': 'số định danh cá nhân của bạn',
    'mother.personalId': 'số định danh cá nhân của mẹ',
    'father.personalId': 'số định danh cá nhân của cha',
    'child.fullName': 'họ, chữ đệm và tên của trẻ',
    'child.dateOfBirth': 'ngày sinh của trẻ',
    'child.sex': 'giới tính của trẻ',
    'child.placeOfBirth': 'nơi sinh của trẻ (mã xã)',
    'child.ethnicity': 'dân tộc của trẻ',
    medicalBirthNoticeNo: 'số giấy chứng sinh',
    'registration.communeCode': 'xã nơi đăng ký (mã)',
    'registration.provinceCode': 'tỉnh của xã đó (mã)',
    'mother.fullName': 'họ tên mẹ',
    'mother.dateOfBirth': 'ngày sinh của mẹ',
    'mother.ethnicity': 'dân tộc của mẹ',
    'mother.nationality': 'quốc tịch của mẹ',
    'mother.homeTown': 'quê quán của mẹ',
    'father.fullName': 'họ tên cha',
    'father.dateOfBirth': 'ngày sinh của cha',
    'father.nationality': 'quốc tịch của cha',
    'father.homeTown': 'quê quán của cha',
    'child.homeTown': 'quê quán của trẻ',
    'child.nationality': 'quốc tịch của trẻ',
    'child.personalId': 'số định danh cá nhân của trẻ',
    'household.headConsent': 'sự đồng ý của chủ hộ',
  },
};

const events: Record<Lang, Dict> = {
  en: {
    APPROVE_BIRTH: 'Approve the birth registration',
    REFUSE_BIRTH: 'Refuse the birth registration',
    REQUEST_SUPPLEMENT: 'Ask for a supplement',
    REQUIRE_VERIFICATION: 'Require verification',
    SUPPLEMENT: 'Supplement the dossier',
    HEAD_CONSENT: 'I agree to add the child to my household',
    HEAD_DECLINE: 'I do not agree',
    APPROVE_RESIDENCE: 'Approve the permanent residence',
    REFUSE_RESIDENCE: 'Refuse the permanent residence',
    REQUIRE_RESIDENCE_VERIFICATION: 'Require residence verification',
    CONFIRM_REPRESENTATIVE: 'I confirm the representative',
    DECLINE_REPRESENTATIVE: 'I do not confirm the representative',
    CONSENT_TO_MARRIAGE: 'I consent to the marriage',
    DECLINE_MARRIAGE: 'I do not consent',
    DATA: 'Missing data',
  },
  vi: {
    APPROVE_BIRTH: 'Duyệt đăng ký khai sinh',
    REFUSE_BIRTH: 'Từ chối đăng ký khai sinh',
    REQUEST_SUPPLEMENT: 'Yêu cầu bổ sung hồ sơ',
    REQUIRE_VERIFICATION: 'Yêu cầu xác minh',
    SUPPLEMENT: 'Bổ sung hồ sơ',
    HEAD_CONSENT: 'Tôi đồng ý nhập trẻ vào hộ của tôi',
    HEAD_DECLINE: 'Tôi không đồng ý',
    APPROVE_RESIDENCE: 'Duyệt đăng ký thường trú',
    REFUSE_RESIDENCE: 'Từ chối đăng ký thường trú',
    REQUIRE_RESIDENCE_VERIFICATION: 'Yêu cầu xác minh cư trú',
    CONFIRM_REPRESENTATIVE: 'Tôi xác nhận người đại diện',
    DECLINE_REPRESENTATIVE: 'Tôi không xác nhận người đại diện',
    CONSENT_TO_MARRIAGE: 'Tôi đồng ý kết hôn',
    DECLINE_MARRIAGE: 'Tôi không đồng ý',
    DATA: 'Thông tin còn thiếu',
  },
};

const statuses: Record<Lang, Dict> = {
  en: { awaiting_data: 'Awaiting your data', in_progress: 'In progress', closed: 'Closed', failed: 'Failed' },
  vi: { awaiting_data: 'Chờ bạn bổ sung', in_progress: 'Đang giải quyết', closed: 'Đã kết thúc', failed: 'Lỗi' },
};

const outcomes: Record<Lang, Dict> = {
  en: { completed: 'Completed', partiallyCompleted: 'Partly completed', rejected: 'Rejected (dossier incomplete)', refused: 'Refused', failed: 'Failed' },
  vi: { completed: 'Hoàn thành', partiallyCompleted: 'Hoàn thành một phần', rejected: 'Không tiếp nhận (hồ sơ không đầy đủ)', refused: 'Từ chối', failed: 'Lỗi' },
};

const documents: Record<Lang, Dict> = {
  en: {
    birthCertificate: 'Birth certificate',
    personalIdNumber: 'Personal ID number',
    permanentResidence: 'Permanent residence (household)',
    healthInsuranceCard: 'Health-insurance card',
    deathCertificate: 'Death certificate',
    residenceDeletion: 'Deletion of permanent residence',
    marriageCertificate: 'Marriage certificate',
    benefitPayment: 'Benefit payment',
    judicialRecordCertificate: 'Judicial record certificate',
    taxRegistration: 'Tax registration',
    unemploymentBenefitDecision: 'Unemployment benefit decision',
  },
  vi: {
    birthCertificate: 'Giấy khai sinh',
    personalIdNumber: 'Số định danh cá nhân',
    permanentResidence: 'Đăng ký thường trú (hộ)',
    healthInsuranceCard: 'Thẻ bảo hiểm y tế',
    deathCertificate: 'Trích lục khai tử',
    residenceDeletion: 'Xóa đăng ký thường trú',
    marriageCertificate: 'Giấy chứng nhận kết hôn',
    benefitPayment: 'Chi trả trợ cấp',
    judicialRecordCertificate: 'Phiếu lý lịch tư pháp',
    taxRegistration: 'Đăng ký thuế',
    unemploymentBenefitDecision: 'Quyết định hưởng trợ cấp thất nghiệp',
  },
};

const steps: Record<Lang, Dict> = {
  en: { total: 'Whole application', birth: 'Birth registration', residence: 'Permanent residence', insurance: 'Health-insurance card' },
  vi: { total: 'Toàn bộ hồ sơ', birth: 'Đăng ký khai sinh', residence: 'Đăng ký thường trú', insurance: 'Cấp thẻ bảo hiểm y tế' },
};

const enumValues: Record<Lang, Dict> = {
  en: { male: 'Male', female: 'Female' },
  vi: { male: 'Nam', female: 'Nữ' },
};

/** "mother.fullName" → "mother full name": the fallback for a field without a label. */
const humanize = (name: string) => name.replace(/\./g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** What each service does, by service name (the English is the declaration's own `description`). */
const serviceDescriptions: Record<Lang, Dict> = {
  en: {},
  vi: {
    checkBirthDossier: 'Đọc thông tin cha, mẹ từ Cơ sở dữ liệu quốc gia về dân cư, kiểm tra tờ khai, xác định quê quán và quốc tịch của trẻ',
    issuePersonalId: 'Tạo thông tin của trẻ trong Cơ sở dữ liệu quốc gia về dân cư với số định danh cá nhân 12 số',
    registerBirth: 'Ghi vào sổ đăng ký khai sinh của xã và cấp giấy khai sinh điện tử',
    checkResidence: 'Tìm hộ của mẹ (nếu không có thì của cha) và quan hệ của trẻ với chủ hộ',
    registerPermanentResidence: 'Đăng ký thường trú cho trẻ là thành viên của hộ',
    issueHealthInsuranceCard: 'Cấp mã số bảo hiểm xã hội 10 số và thẻ bảo hiểm y tế (đối tượng TE)',
    checkDeathDossier: 'Đọc thông tin người chết và người đi khai tử từ Cơ sở dữ liệu quốc gia về dân cư; kiểm tra việc khai tử chưa được đăng ký',
    registerDeath: 'Ghi vào sổ đăng ký khai tử của xã (số thứ tự theo năm) và cập nhật trạng thái đã chết',
    checkResidenceDeletion: 'Tìm hộ của người chết trong Cơ sở dữ liệu cư trú',
    deletePermanentResidence: 'Xóa đăng ký thường trú, căn cứ trích lục khai tử',
    checkBenefitEntitlements: 'Đọc quá trình đóng và hưởng lương hưu, tính trợ cấp mai táng theo mức tham chiếu, xác định thân nhân',
    payFuneralAllowance: 'Chi trả trợ cấp mai táng cho người đại diện',
    paySurvivorBenefit: 'Chi trả trợ cấp tuất một lần cho người đại diện được mọi thân nhân xác nhận',
    checkMarriageDossier: 'Đọc thông tin hai bên từ Cơ sở dữ liệu quốc gia về dân cư và tình trạng hôn nhân từ sổ đăng ký kết hôn; kiểm tra tuổi, giới tính và các trường hợp cấm kết hôn',
    registerMarriage: 'Ghi vào sổ đăng ký kết hôn của xã (số thứ tự theo năm) và cấp giấy chứng nhận kết hôn',
    checkJudicialRecordRequest: 'Đọc thông tin người yêu cầu từ Cơ sở dữ liệu quốc gia về dân cư và án tích từ Cơ sở dữ liệu lý lịch tư pháp',
    issueJudicialRecordCertificate: 'Cấp phiếu lý lịch tư pháp điện tử ghi các án tích theo loại phiếu',
    checkTaxRegistration: 'Đọc thông tin chủ hộ kinh doanh từ Cơ sở dữ liệu quốc gia về dân cư; kiểm tra chưa đăng ký hộ kinh doanh',
    registerHouseholdBusiness: 'Đăng ký thuế hộ kinh doanh với số định danh cá nhân của chủ hộ làm mã số thuế',
    checkUnemploymentClaim: 'Đọc thông tin người yêu cầu và quá trình làm việc, đóng bảo hiểm thất nghiệp gần nhất; kiểm tra điều kiện; đề xuất mức và thời gian hưởng',
    decideUnemploymentBenefit: 'Ghi quyết định hưởng trợ cấp thất nghiệp (mức hưởng, số tháng)',
  },
};

export function words(lang: Lang) {
  const pick = (d: Record<Lang, Dict>, key: string, fallback: string) => d[lang][key] ?? d.en[key] ?? fallback;
  return {
    register: (r: string) => pick(registers, r, r),
    agency: (a: string) => pick(agencies, a, a),
    title: (id: string, fallback: string) => pick(titles, id, fallback),
    field: (f: string) => pick(fields, f, humanize(f)),
    event: (type: string, fallback?: string) => pick(events, type, fallback ?? type),
    status: (s: string) => pick(statuses, s, s),
    outcome: (o: string) => pick(outcomes, o, o),
    document: (k: string) => pick(documents, k, k),
    step: (s: string) => pick(steps, s, s),
    enumValue: (v: string) => pick(enumValues, v, v),
    service: (name: string, fallback: string) => pick(serviceDescriptions, name, fallback),
  };
}
export type Words = ReturnType<typeof words>;
