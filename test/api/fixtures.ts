/** What the API tests submit: a birth declaration by the seed's fixture mother. */
import { FIXTURE_FATHER, FIXTURE_MOTHER } from '../../db/seed';

/** The child's own data and the keys to the parents' records: all a parent gives. */
export function childFields(name: string, extra: Record<string, unknown> = {}) {
  return {
    'mother.personalId': FIXTURE_MOTHER.personalId,
    'father.personalId': FIXTURE_FATHER.personalId,
    'child.fullName': name,
    'child.dateOfBirth': '2026-11-20',
    'child.sex': 'male',
    'child.placeOfBirth': '00004',
    'child.ethnicity': 'Kinh',
    medicalBirthNoticeNo: `CS-${name.replace(/\W/g, '')}`,
    'registration.communeCode': '00004',
    'registration.provinceCode': '01',
    ...extra,
  };
}

/** The README's example application (the seed's fixture family). */
export const readmeApplication = {
  procedureId: 'birth-group',
  applicant: { personalId: FIXTURE_MOTHER.personalId, fullName: FIXTURE_MOTHER.fullName },
  fields: { ...childFields('Nguyễn Minh An'), medicalBirthNoticeNo: 'CS-0001' },
};
