/** What the console's pages use: the API's own services (one code path for authorization, audit and validation). */
import type { CaseService } from '../api/case-service';
import type { Executor } from '../db/connection';
import type { TokenVerifier } from '../identity/token-verifier';
import type { StaffConsoleDeps } from './staff-deps';

export interface ConsoleDeps {
  /** The API's case service: every case read and write acts as the session's principal. */
  service: CaseService;
  /** The read model (lists, work queues, access log), read through the same query modules as the API's routes. */
  db: Executor;
  /** The API's token verifier: the session cookie holds a token verified like any bearer token. */
  verify: TokenVerifier;
  now: () => Date;
  /** Where sign-in starts (the identity provider's login page); undefined: sign-in is not configured. */
  signInUrl?: string;
  /** The operator, designer and supervisor pages' services (web/staff-deps.ts); without it those pages answer 503. */
  staff?: StaffConsoleDeps;
}
