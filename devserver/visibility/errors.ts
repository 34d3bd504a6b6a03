/**
 * Visibility errors. Each has a stable `code`; all map to the gRPC status Temporal uses for the condition.
 * Query errors carry the 0-based character offset of the offending token in the query string.
 */
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../errors';

/** The query text does not follow the list-filter grammar. */
export class QuerySyntaxError extends InvalidArgumentError {
  override readonly code = 'VISIBILITY_QUERY_SYNTAX';
  constructor(
    readonly position: number,
    readonly detail: string,
  ) {
    super(`invalid query at position ${position}: ${detail}`);
  }
}

/** The query parses but cannot be run: unknown search attribute, wrong value type, unsupported operator. */
export class QueryInvalidError extends InvalidArgumentError {
  override readonly code = 'VISIBILITY_QUERY_INVALID';
  constructor(
    readonly position: number,
    readonly detail: string,
  ) {
    super(`invalid query at position ${position}: ${detail}`);
  }
}

export class InvalidPageTokenError extends InvalidArgumentError {
  override readonly code = 'VISIBILITY_INVALID_PAGE_TOKEN';
  constructor(reason: string) {
    super(`Invalid next_page_token: ${reason}.`);
  }
}

export class SearchAttributeReservedError extends InvalidArgumentError {
  override readonly code = 'SEARCH_ATTRIBUTE_RESERVED';
  constructor(name: string) {
    super(`Search attribute ${name} is reserved by system.`);
  }
}

export class UnknownSearchAttributeTypeError extends InvalidArgumentError {
  override readonly code = 'SEARCH_ATTRIBUTE_UNKNOWN_TYPE';
  constructor(type: unknown) {
    super(`Unknown search attribute type: ${String(type)}.`);
  }
}

export class InvalidSearchAttributeNameError extends InvalidArgumentError {
  override readonly code = 'SEARCH_ATTRIBUTE_INVALID_NAME';
  constructor(name: string) {
    super(`Search attribute name "${name}" is invalid: use letters, digits and underscores, starting with a letter.`);
  }
}

export class SearchAttributeAlreadyExistsError extends AlreadyExistsError {
  override readonly code = 'SEARCH_ATTRIBUTE_ALREADY_EXISTS';
  constructor(name: string) {
    super(`Search attribute ${name} already exists.`);
  }
}

export class SearchAttributeNotFoundError extends NotFoundError {
  override readonly code = 'SEARCH_ATTRIBUTE_NOT_FOUND';
  constructor(name: string) {
    super(`Search attribute ${name} doesn't exist.`);
  }
}

export class NonCustomSearchAttributeError extends InvalidArgumentError {
  override readonly code = 'SEARCH_ATTRIBUTE_NOT_CUSTOM';
  constructor(name: string) {
    super(`Unable to remove non-custom search attributes: ${name}.`);
  }
}

/** A workflow tried to set a search attribute that is not registered, or with a value of the wrong type. */
export class InvalidSearchAttributeValueError extends InvalidArgumentError {
  override readonly code = 'SEARCH_ATTRIBUTE_INVALID_VALUE';
  constructor(message: string) {
    super(message);
  }
}
