/**
 * npm run seed — migrates and seeds DATABASE_URL (else the PGlite dir .data/registries) when its registers are empty;
 * a database whose registers hold data is left untouched.
 * SEED_PEOPLE (default 10000) and SEED (default 42) choose the synthetic population.
 */
import { describeTarget, parseDatabaseTarget } from './connection';
import { openRegistriesDatabase } from './registries-database';
import { seedPopulation } from './seed';

const target = parseDatabaseTarget(process.env.DATABASE_URL, '.data/registries');
const people = Number(process.env.SEED_PEOPLE ?? 10_000);
const seed = Number(process.env.SEED ?? 42);
const started = performance.now();
console.log(`seeding ${describeTarget(target)}: ${people} people, seed ${seed}`);
const opened = await openRegistriesDatabase(target);
try {
  const result = await seedPopulation(opened.db, { people, seed, onProgress: (m) => console.log(`  ${m}`) });
  const { inserted, total } = result;
  console.log(
    `done in ${((performance.now() - started) / 1000).toFixed(1)} s: inserted ${inserted.persons}/${total.persons} persons, ` +
      `${inserted.households}/${total.households} households, ${inserted.socialInsuranceNumbers}/${total.socialInsuranceNumbers} ` +
      `social-insurance numbers, ${inserted.cards}/${total.cards} cards` +
      (result.skipped ? ' (the registers already hold data: seeding never touches them)' : ''),
  );
} finally {
  await opened.close();
}
