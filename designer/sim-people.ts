/**
 * The seeded people a simulated case is about, distinct per path: a person dies once, marries once, registers one
 * household business. Pools are read from the seed's own description (`describeSeed`, `simulationFamilies`), so
 * they are deterministic and need no database query; an allocator hands each path the next unused unit of a pool
 * and never hands out a person twice in a session.
 */
import { describeSeed, type FixturePerson } from '../db/seed';
import { simulationFamilies } from '../db/seed-simulation';
import { DesignerError } from './errors';
import type { PoolName } from '../procedures/types';

/** A few people who appear together in one case (a family, a couple…), by role. */
export type CastUnit = Record<string, FixturePerson>;
/** The units a path's case is about, by the role the procedure's input builder names. */
export type Cast = Record<string, CastUnit>;
export type { PoolName };

export interface SeedShape {
  /** Generated people in the seed (the `people` option of seedPopulation). */
  people: number;
  /** Simulation families seeded (seedSimulationFamilies). */
  families: number;
}

/** The engine session's seed (designer/engine-session.ts). */
export const DEFAULT_SEED_SHAPE: SeedShape = { people: 600, families: 80 };

const REFERENCE_YEAR = 2026;
const ageOf = (p: FixturePerson) => REFERENCE_YEAR - Number(p.dateOfBirth.slice(0, 4));
const related = (a: FixturePerson, b: FixturePerson) => {
  const parents = (p: FixturePerson) => [p.fatherId, p.motherId].filter((x): x is string => !!x);
  return parents(a).includes(b.personalId) || parents(b).includes(a.personalId) || parents(a).some((id) => parents(b).includes(id));
};

/** What each pool holds, in seed order (procedures/types.ts `PoolName`; the simulation families: db/seed-simulation.ts). */
function buildPools(shape: SeedShape): Record<PoolName, CastUnit[]> {
  const seed = describeSeed({ people: shape.people });
  const generatedIds = new Set(seed.generated.persons.map((p) => p.personalId));
  const byId = new Map(seed.persons.map((p) => [p.personalId, p]));
  const alive = seed.generated.persons.filter((p) => !p.deceased);
  // Unmarried in life as in the register: grown-up children, and people living alone.
  const single = new Set(
    seed.generated.households.flatMap((h) =>
      h.members.filter((m) => m.relationToHead === 'child' || m.relationToHead === 'grandchild' || h.members.length === 1).map((m) => m.personalId),
    ),
  );
  const men = alive.filter((p) => p.sex === 'male' && ageOf(p) >= 21 && single.has(p.personalId));
  const women = alive.filter((p) => p.sex === 'female' && ageOf(p) >= 19 && single.has(p.personalId));
  const couples: CastUnit[] = [];
  const paired = new Set<string>();
  for (const man of men) {
    const woman = women.find((w) => !paired.has(w.personalId) && !related(man, w));
    if (!woman) continue;
    paired.add(woman.personalId);
    couples.push({ man, woman });
  }
  return {
    family: simulationFamilies(shape.families).map(({ deceased, spouse, declarant, sibling }) => ({ deceased, spouse, declarant, sibling })),
    household: seed.generated.households
      .filter((h) => h.members.length >= 2 && h.members.every((m) => generatedIds.has(m.personalId)))
      .map((h) => ({ declarant: byId.get(h.members[0].personalId)!, deceased: byId.get(h.members[1].personalId)! })),
    couple: couples,
    adult: alive.filter((p) => ageOf(p) >= 22).map((person) => ({ person })),
  };
}

const poolCache = new Map<string, Record<PoolName, CastUnit[]>>();
function poolsOf(shape: SeedShape): Record<PoolName, CastUnit[]> {
  const key = `${shape.people}/${shape.families}`;
  let pools = poolCache.get(key);
  if (!pools) poolCache.set(key, (pools = buildPools(shape)));
  return pools;
}

export class PeopleExhaustedError extends DesignerError {
  constructor(pool: PoolName, shape: SeedShape) {
    super(
      'SIMULATION_SETUP',
      `not enough seeded people for another "${pool}" (seed of ${shape.people} people and ${shape.families} simulation families): seed more or simulate fewer paths`,
    );
  }
}

/** Hands out units of the pools, never the same person twice. One per engine session. */
export class PeopleAllocator {
  private readonly used = new Set<string>();
  private readonly next = new Map<PoolName, number>();

  constructor(readonly shape: SeedShape = DEFAULT_SEED_SHAPE) {}

  take(pool: PoolName): CastUnit {
    const units = poolsOf(this.shape)[pool];
    for (let i = this.next.get(pool) ?? 0; i < units.length; i++) {
      const ids = Object.values(units[i]).map((p) => p.personalId);
      if (ids.some((id) => this.used.has(id))) continue;
      for (const id of ids) this.used.add(id);
      this.next.set(pool, i + 1);
      return units[i];
    }
    throw new PeopleExhaustedError(pool, this.shape);
  }

  /** One unit per role. */
  cast(roles: Readonly<Record<string, PoolName>>): Cast {
    return Object.fromEntries(Object.entries(roles).map(([role, pool]) => [role, this.take(pool)]));
  }
}

/** The cast of the pure walk: the first units of each pool (nothing is written, so nothing is used up). */
export function pureCast(roles: Readonly<Record<string, PoolName>>): Cast {
  return new PeopleAllocator().cast(roles);
}
