/** npm run migrate — applies the registries/engine migrations to DATABASE_URL (else the PGlite dir .data/registries). */
import { describeTarget, parseDatabaseTarget } from './connection';
import { openRegistriesDatabase, REGISTRIES_MIGRATIONS_FOLDER } from './registries-database';

const target = parseDatabaseTarget(process.env.DATABASE_URL, '.data/registries');
console.log(`migrating ${describeTarget(target)} from ${REGISTRIES_MIGRATIONS_FOLDER}`);
const opened = await openRegistriesDatabase(target);
await opened.close();
console.log('migrations applied');
