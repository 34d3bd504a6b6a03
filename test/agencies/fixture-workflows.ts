/** The engine's workflow bundle entry with the fixture procedure in the catalog (workflows/index.ts + the fixture). */
import { addFixtureProcedure } from './fixture-procedure';

addFixtureProcedure();

export * from '../../workflows/index';
