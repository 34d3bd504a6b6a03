/** The fixture library's activities: read the reader (audited, once-only), issue the card. */
import { audited, run, type AgencyDeps } from '../../activities/agencies/common';
import type { AccessContext, AgencyId, PopulationRegistry } from '../../domain/registries';
import type { ServiceRequest } from '../../procedures/types';

export class ReaderNotFoundError extends Error {
  readonly code = 'READER_NOT_FOUND';
  constructor(readonly personalId: string) {
    super(`No living resident with personal ID ${personalId}`);
  }
}

export interface LibraryCard {
  cardNumber: string;
  holderName: string;
}

export function createLibraryActivities(deps: AgencyDeps<{ population: PopulationRegistry }>) {
  const { population } = audited(deps);
  return {
    async issueLibraryCard(request: ServiceRequest<{ readerId: string }>): Promise<LibraryCard> {
      return run(async () => {
        // `AgencyId` names the agencies of the list; the fixture is outside it on purpose.
        const ctx: AccessContext = { ...request.access, agency: 'library' as AgencyId, fields: ['fullName', 'deceased'] };
        const reader = await population.getPerson(ctx, request.input.readerId);
        if (!reader || reader.deceased) throw new ReaderNotFoundError(request.input.readerId);
        return { cardNumber: `TV-${reader.personalId}`, holderName: reader.fullName };
      });
    },
  };
}
