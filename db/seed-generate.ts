/**
 * Generates a synthetic population in memory, deterministically from a seed (no I/O, no clock): households with a
 * head, couples of child-bearing age with young children, three-generation households, people living alone;
 * social-insurance numbers for most adults and all young children, health-insurance cards for many.
 */
import { makePersonalId, makeSocialInsuranceNumber, randomDigits, type Sex } from '../domain/identifiers';
import { getProvince } from '../domain/provinces';
import { seededRandom } from '../domain/random';
import type { FixtureHousehold, FixturePerson } from './seed-fixtures';
import {
  ETHNIC_FAMILY_NAMES,
  FAMILY_NAMES,
  GIVEN_NAMES,
  MIDDLE_NAMES,
  RELATIONS,
  SEED_PROVINCES,
  STREETS,
  type SeedProvince,
  type Weighted,
} from './seed-data';

export type GeneratedPerson = FixturePerson;
export type GeneratedHousehold = FixtureHousehold;
export interface GeneratedCard {
  cardNumber: string;
  socialInsuranceNumber: string;
  personalId: string;
  validFrom: string;
  validTo: string;
  beneficiaryGroup: string;
}

export interface GeneratedPopulation {
  persons: GeneratedPerson[]; // parents before children
  households: GeneratedHousehold[];
  socialInsurance: { number: string; personalId: string; provinceCode: string }[];
  cards: GeneratedCard[];
}

export interface GenerateOptions {
  people: number;
  seed: number;
  /** Ages and card periods are computed at this date (yyyy-mm-dd). */
  referenceDate: string;
  /** IDs already taken (fixtures) that generated people must not get. */
  reservedPersonalIds?: Iterable<string>;
  reservedSocialInsuranceNumbers?: Iterable<string>;
}

class Picker {
  constructor(readonly random: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  one<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)];
  }
  weighted<T>(xs: readonly Weighted<T>[]): T {
    const total = xs.reduce((s, x) => s + x.weight, 0);
    let r = this.random() * total;
    for (const x of xs) if ((r -= x.weight) < 0) return x.value;
    return xs[xs.length - 1].value;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function generatePopulation(opts: GenerateOptions): GeneratedPopulation {
  const pick = new Picker(seededRandom(opts.seed));
  const refYear = Number(opts.referenceDate.slice(0, 4));
  const takenIds = new Set(opts.reservedPersonalIds ?? []);
  const takenSi = new Set(opts.reservedSocialInsuranceNumbers ?? []);
  const provinces = SEED_PROVINCES.map((p) => ({ value: p, weight: p.weight }));
  const out: GeneratedPopulation = { persons: [], households: [], socialInsurance: [], cards: [] };

  const birthDate = (year: number) => {
    const month = pick.int(1, 12);
    const day = pick.int(1, [31, year % 4 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]);
    const d = `${year}-${pad(month)}-${pad(day)}`;
    return d > opts.referenceDate ? `${year}-01-01` : d;
  };

  const newId = (birthProvince: SeedProvince, sex: Sex, year: number) => {
    // Older people born in a since-merged province carry its former code in their ID.
    const former = getProvince(birthProvince.code)?.formerCodes ?? [birthProvince.code];
    const code2 = year < 2025 ? pick.one(former) : birthProvince.code;
    for (;;) {
      const id = makePersonalId({ provinceCode3: `0${code2}`, sex, birthYear: year, serial6: randomDigits(6, pick.random) });
      if (!takenIds.has(id)) {
        takenIds.add(id);
        return id;
      }
    }
  };

  const makePerson = (
    home: SeedProvince,
    commune: string,
    sex: Sex,
    year: number,
    family: string,
    ethnicity: string,
    parents: { father?: GeneratedPerson; mother?: GeneratedPerson } = {},
  ): GeneratedPerson => {
    // Most are born where they live; some moved from another province.
    const birthProvince = pick.chance(0.85) ? home : pick.weighted(provinces);
    const birthCommune = birthProvince === home ? commune : pick.one(birthProvince.communes).code;
    const middle = year < 1975 ? (sex === 'male' ? 'Văn' : 'Thị') : pick.one(MIDDLE_NAMES[sex]);
    const p: GeneratedPerson = {
      personalId: newId(birthProvince, sex, year),
      fullName: `${family} ${middle} ${pick.one(GIVEN_NAMES[sex])}`,
      dateOfBirth: birthDate(year),
      sex,
      ethnicity,
      nationality: 'VN',
      homeTown: parents.father?.homeTown ?? birthCommune,
      placeOfBirth: birthCommune,
      fatherId: parents.father?.personalId ?? null,
      motherId: parents.mother?.personalId ?? null,
      deceased: false,
      socialInsuranceNumber: null,
    };
    out.persons.push(p);
    return p;
  };

  const familyNameFor = (ethnicity: string) =>
    ETHNIC_FAMILY_NAMES[ethnicity] && pick.chance(0.8) ? pick.one(ETHNIC_FAMILY_NAMES[ethnicity]) : pick.weighted(FAMILY_NAMES);

  let hh = 0;
  while (out.persons.length < opts.people) {
    const province = pick.weighted(provinces);
    const commune = pick.one(province.communes);
    const ethnicity = pick.weighted(province.ethnicities);
    const family = familyNameFor(ethnicity);
    const members: { person: GeneratedPerson; relation: string; since: string }[] = [];
    const add = (person: GeneratedPerson, relation: string, sinceYear: number) =>
      members.push({ person, relation, since: `${Math.max(sinceYear, 1990)}-${pad(pick.int(1, 12))}-01` });
    const kind = pick.random();

    if (kind < 0.15) {
      // Living alone.
      const sex: Sex = pick.chance(0.5) ? 'male' : 'female';
      add(makePerson(province, commune.code, sex, refYear - pick.int(20, 85), family, ethnicity), RELATIONS.head, refYear - pick.int(0, 20));
    } else {
      const threeGen = kind > 0.75;
      let head: GeneratedPerson;
      let parentsOfYoung: { father: GeneratedPerson; mother?: GeneratedPerson };
      const coupleAge = pick.int(20, 42); // child-bearing age
      if (threeGen) {
        const elderYear = refYear - coupleAge - pick.int(22, 32);
        head = makePerson(province, commune.code, 'male', elderYear, family, ethnicity);
        add(head, RELATIONS.head, elderYear + 25);
        let grandma: GeneratedPerson | undefined;
        if (pick.chance(0.85)) {
          grandma = makePerson(province, commune.code, 'female', elderYear + pick.int(-2, 5), pick.weighted(FAMILY_NAMES), ethnicity);
          add(grandma, RELATIONS.spouse, elderYear + 25);
        }
        const son = makePerson(province, commune.code, 'male', refYear - coupleAge, family, ethnicity, { father: head, mother: grandma });
        add(son, RELATIONS.child, refYear - coupleAge);
        parentsOfYoung = { father: son };
        if (pick.chance(0.9)) {
          const wife = makePerson(province, commune.code, 'female', refYear - coupleAge + pick.int(-1, 4), familyNameFor(ethnicity), ethnicity);
          add(wife, RELATIONS.childInLaw, refYear - pick.int(0, Math.max(0, coupleAge - 20)));
          parentsOfYoung.mother = wife;
        }
      } else {
        const husband = makePerson(province, commune.code, 'male', refYear - coupleAge - pick.int(0, 4), family, ethnicity);
        const wife = makePerson(province, commune.code, 'female', refYear - coupleAge, familyNameFor(ethnicity), ethnicity);
        const wifeIsHead = pick.chance(0.2);
        head = wifeIsHead ? wife : husband;
        add(head, RELATIONS.head, refYear - pick.int(0, Math.max(0, coupleAge - 20)));
        add(wifeIsHead ? husband : wife, RELATIONS.spouse, refYear - pick.int(0, Math.max(0, coupleAge - 20)));
        parentsOfYoung = { father: husband, mother: wife };
      }
      const motherYear = Number((parentsOfYoung.mother ?? parentsOfYoung.father).dateOfBirth.slice(0, 4));
      const children = pick.int(0, 3);
      for (let c = 0; c < children; c++) {
        const year = motherYear + pick.int(20, 38);
        if (year > refYear) continue;
        const child = makePerson(province, commune.code, pick.chance(0.51) ? 'male' : 'female', year, parentsOfYoung.father.fullName.split(' ')[0], ethnicity, parentsOfYoung);
        add(child, threeGen ? RELATIONS.grandchild : RELATIONS.child, year);
      }
      // A few elderly relatives are recorded as deceased (still in the register, no longer residents).
      if (threeGen && pick.chance(0.05) && members[1]?.relation === RELATIONS.spouse) {
        members[1].person.deceased = true;
        members.splice(1, 1);
      }
    }

    const householdId = `HH-${opts.seed}-${pad(++hh, 6)}`;
    out.households.push({
      householdId,
      headId: members[0].person.personalId,
      provinceCode: province.code,
      communeCode: commune.code,
      street: commune.name.startsWith('Xã') ? `Thôn ${pick.int(1, 15)}` : `Số ${pick.int(1, 300)} Đường ${pick.one(STREETS)}`,
      members: members.map((m) => ({ personalId: m.person.personalId, relationToHead: m.relation, since: m.since })),
    });

    // Social insurance: most adults (employment, household insurance) and every child under 6 (state-funded).
    for (const m of members) {
      const age = refYear - Number(m.person.dateOfBirth.slice(0, 4));
      const under6 = age < 6;
      if (!under6 && !pick.chance(age >= 18 ? 0.75 : 0.6)) continue;
      let number: string;
      do number = makeSocialInsuranceNumber(province.code, randomDigits(8, pick.random));
      while (takenSi.has(number));
      takenSi.add(number);
      m.person.socialInsuranceNumber = number;
      out.socialInsurance.push({ number, personalId: m.person.personalId, provinceCode: province.code });
      if (!under6 && !pick.chance(0.8)) continue;
      const group = under6 ? 'TE' : age >= 60 ? 'HT' : age < 18 ? 'HS' : pick.chance(0.6) ? 'DN' : 'GD';
      const dob = m.person.dateOfBirth;
      const validTo = under6 ? dayBefore(`${Number(dob.slice(0, 4)) + 6}${dob.slice(4)}`) : `${refYear}-12-31`;
      const validFrom = under6 ? dob : `${refYear}-01-01`;
      out.cards.push({
        cardNumber: `${group}${under6 ? '1' : '4'}${province.code}${number}`,
        socialInsuranceNumber: number,
        personalId: m.person.personalId,
        validFrom,
        validTo,
        beneficiaryGroup: group,
      });
    }
  }
  return out;
}

function dayBefore(iso: string): string {
  // 29 Feb + 6 years does not exist: Date.UTC rolls it to 1 Mar, whose day before is 28/29 Feb as it should be.
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) - 86_400_000).toISOString().slice(0, 10);
}
