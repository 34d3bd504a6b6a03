/**
 * Vietnam Social Security (agency `vss`), death group: reads the deceased's contributions and pension status,
 * computes the funeral allowance from the configured reference level of the month of death, finds the relatives
 * who must confirm the representative (population and marriage registers: never asked of the family), and pays.
 */
import {
  FUNERAL_MIN_CONTRIBUTION_MONTHS,
  funeralAllowanceFor,
  survivorOneTimeFor,
  type BenefitEntitlements,
  type CheckBenefitEntitlementsInput,
  type PayBenefitInput,
  type Relative,
} from '../../procedures/death-group/case';
import type { ServiceRequest } from '../../procedures/types';
import type {
  BenefitPayment,
  CivilStatusRegistry,
  PopulationRegistry,
  SocialInsuranceRegistry,
} from '../../domain/registries';
import { accessContext, audited, InvalidServiceInputError, NotEntitledError, requireRegistry, requireString, run, type AgencyDeps } from './common';

export type VssDeathRegistries = {
  socialInsurance: SocialInsuranceRegistry;
  population?: PopulationRegistry;
  civilStatus?: CivilStatusRegistry;
};

export { NotEntitledError };

export function createVssDeathActivities(deps: AgencyDeps<VssDeathRegistries>) {
  const registries = audited(deps);
  const { socialInsurance } = registries;

  /** Living spouse (at the time of death), children and parents of the deceased. */
  async function relativesOf(request: ServiceRequest, deceasedId: string, dateOfDeath: string): Promise<Relative[]> {
    const population = requireRegistry(registries.population, 'vss', 'population');
    const civilStatus = requireRegistry(registries.civilStatus, 'vss', 'civilStatus');
    const ctx = accessContext('vss', request, { fields: ['personalId', 'deceased', 'fatherId', 'motherId'] });
    const out: Relative[] = [];
    const deceased = await population.getPerson(ctx, deceasedId);
    const marriages = await civilStatus.findMarriagesOf(accessContext('vss', request, { fields: ['partyAId', 'partyBId'] }), deceasedId);
    const atDeath = marriages.filter((m) => m.dissolvedAt === null || m.dissolvedAt.slice(0, 10) >= dateOfDeath);
    for (const m of atDeath) out.push({ personalId: m.partyAId === deceasedId ? m.partyBId : m.partyAId, relation: 'spouse' });
    for (const c of await population.findChildrenOf(ctx, deceasedId)) out.push({ personalId: c.personalId, relation: 'child' });
    for (const parentId of [deceased?.fatherId, deceased?.motherId]) if (parentId) out.push({ personalId: parentId, relation: 'parent' });
    const living: Relative[] = [];
    for (const r of out) {
      const p = await population.getPerson(ctx, r.personalId);
      if (p && !p.deceased && !living.some((l) => l.personalId === r.personalId)) living.push(r);
    }
    return living;
  }

  async function pay(request: ServiceRequest<PayBenefitInput>, kind: 'funeralAllowance' | 'survivorOneTime'): Promise<BenefitPayment> {
    const { deceasedId, representativeId, dateOfDeath } = request.input;
    requireString(deceasedId, 'deceasedId');
    const record = await socialInsurance.getContributionRecord(
      accessContext('vss', request, { fields: ['compulsoryMonths', 'averageMonthlySalary'] }),
      deceasedId,
    );
    if (!record) throw new NotEntitledError(`${deceasedId} has no social-insurance record`);
    const computed =
      kind === 'funeralAllowance'
        ? funeralAllowanceFor(requireString(dateOfDeath, 'dateOfDeath'))
        : survivorOneTimeFor(record.compulsoryMonths, record.averageMonthlySalary);
    return socialInsurance.payBenefit(accessContext('vss', request, { operationKey: kind }), {
      kind,
      subjectId: deceasedId,
      beneficiaryId: requireString(representativeId, 'representativeId'),
      amount: computed.amount,
      basis: computed.basis,
      paidAt: deps.clock().toISOString(),
    });
  }

  return {
    async checkBenefitEntitlements(request: ServiceRequest<CheckBenefitEntitlementsInput>): Promise<BenefitEntitlements> {
      return run(async () => {
        const { application: app, certificate } = request.input;
        const deceasedId = requireString(app?.deceased?.personalId, 'deceased.personalId');
        if (!certificate || certificate.deceasedId !== deceasedId) {
          throw new InvalidServiceInputError('the death must be registered before benefits are settled');
        }
        const dateOfDeath = certificate.dateOfDeath;
        const record = await socialInsurance.getContributionRecord(
          accessContext('vss', request, { fields: ['compulsoryMonths', 'pensioner'] }),
          deceasedId,
        );
        const workRelated = app.death.cause === 'workAccident' || app.death.cause === 'occupationalDisease';
        const months = record?.compulsoryMonths ?? 0;
        const eligible = !!record && (record.pensioner || months >= FUNERAL_MIN_CONTRIBUTION_MONTHS || workRelated);
        const reason = !record
          ? 'the deceased has no social-insurance record'
          : record.pensioner
            ? 'the deceased was a pensioner'
            : months >= FUNERAL_MIN_CONTRIBUTION_MONTHS
              ? `${months} months of compulsory contributions (≥ ${FUNERAL_MIN_CONTRIBUTION_MONTHS})`
              : workRelated
                ? 'death from a work accident or occupational disease'
                : `only ${months} months of compulsory contributions (< ${FUNERAL_MIN_CONTRIBUTION_MONTHS}), not a pensioner, not work-related`;
        const funeral = eligible ? funeralAllowanceFor(dateOfDeath) : { amount: 0, basis: '' };

        let survivor: BenefitEntitlements['survivor'] = { eligible: false, reason: 'not chosen', amount: 0, basis: '', mustConfirm: [] };
        if (app.selection === 'plusSurvivorBenefit') {
          const representativeId = app.applicant.personalId;
          const relatives = await relativesOf(request, deceasedId, dateOfDeath);
          const isRelative = relatives.some((r) => r.personalId === representativeId);
          const amount = record ? survivorOneTimeFor(record.compulsoryMonths, record.averageMonthlySalary) : { amount: 0, basis: '' };
          survivor = {
            eligible: eligible && isRelative,
            reason: !eligible ? reason : isRelative ? 'every relative must confirm the representative' : 'the representative is not a relative of the deceased',
            amount: amount.amount,
            basis: amount.basis,
            mustConfirm: relatives.map((r) => r.personalId).filter((id) => id !== representativeId),
          };
        }
        return {
          funeral: { eligible, reason, amount: funeral.amount, basis: funeral.basis },
          contribution: record ? { compulsoryMonths: record.compulsoryMonths, pensioner: record.pensioner } : null,
          survivor,
        };
      });
    },

    payFuneralAllowance: (request: ServiceRequest<PayBenefitInput>) => run(() => pay(request, 'funeralAllowance')),
    paySurvivorBenefit: (request: ServiceRequest<PayBenefitInput>) => run(() => pay(request, 'survivorOneTime')),
  };
}
