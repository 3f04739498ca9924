/** One field-level problem, as imoje reports it (`property` is a dotted path like `card.number`). */
export interface FieldError {
  property: string;
  message: string;
}

/** The body of every rejected request (imoje-api.md §2). */
export interface ApiErrorEnvelope {
  apiErrorResponse: {
    code: string;
    message: string;
    /** An echo of the request payload, card data masked. */
    instance?: unknown;
    errors?: FieldError[];
  };
}

/** Base of everything the SDK throws, so `catch (e) { if (e instanceof KartotekaError) … }` covers it all. */
export class KartotekaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ApiErrorInit {
  status: number;
  code: string;
  message: string;
  errors: FieldError[];
  instance: unknown;
  /** The raw response text, for diagnosing non-JSON answers (proxies, load balancers). */
  body: string;
}

/** The server answered with an error status. Subclasses say which category. */
export class ApiError extends KartotekaError {
  readonly status: number;
  /** `AREA-ERROR-NNNNNN`, e.g. `TRX-ERROR-120301`. */
  readonly code: string;
  readonly errors: FieldError[];
  readonly instance: unknown;
  readonly body: string;

  constructor(init: ApiErrorInit) {
    const details = init.errors.map((e) => `${e.property}: ${e.message}`).join('; ');
    super(`${init.status} ${init.code}: ${init.message}${details ? ` (${details})` : ''}`);
    this.status = init.status;
    this.code = init.code;
    this.errors = init.errors;
    this.instance = init.instance;
    this.body = init.body;
  }
}

/** 401: missing or invalid token, or a token of another merchant than the one in `merchantId`. */
export class AuthenticationError extends ApiError {}

/** 403: e.g. card data sent by a shop without PCI DSS enablement. */
export class PermissionError extends ApiError {}

/** 422 (also 413, 415): the request is ill-formed; `errors` names the fields. */
export class ValidationError extends ApiError {}

/** 404: unknown transaction, profile or shop of this merchant. */
export class NotFoundError extends ApiError {}

/** 409: an Idempotency-Key reused with another payload, or still in flight. */
export class ConflictError extends ApiError {
  /** The first request with this key is still running; retrying later is safe (the SDK already did). */
  get inFlight(): boolean {
    return this.code === IN_FLIGHT_CODE;
  }
}

/** 400: a business rule refused the request, e.g. `TRX-ERROR-120301` "Payment profile inactive.". */
export class BusinessRuleError extends ApiError {}

/** 5xx, or a success status whose body is not a JSON object. */
export class ServerError extends ApiError {}

/** No answer at all: connection refused or reset, DNS failure, timeout. `cause` holds the underlying error. */
export class NetworkError extends KartotekaError {}

/** Kartoteka's code for "a request with this Idempotency-Key is still being processed". */
export const IN_FLIGHT_CODE = 'API-ERROR-100410';

/** Picks the error class of a status; unknown 4xx stay plain `ApiError`s. */
export function errorClassFor(status: number): typeof ApiError {
  if (status === 400) return BusinessRuleError;
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 413 || status === 415 || status === 422) return ValidationError;
  if (status >= 500) return ServerError;
  return ApiError;
}

function isEnvelope(value: unknown): value is ApiErrorEnvelope {
  const inner = (value as { apiErrorResponse?: unknown } | null)?.apiErrorResponse;
  return (
    typeof inner === 'object' && inner !== null && typeof (inner as { code?: unknown }).code === 'string'
  );
}

/** Builds the typed error for an error response; tolerates bodies that are not imoje envelopes. */
export function apiErrorFromResponse(status: number, text: string): ApiError {
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const ErrorClass = errorClassFor(status);
  if (isEnvelope(parsed)) {
    const e = parsed.apiErrorResponse;
    return new ErrorClass({
      status,
      code: e.code,
      message: typeof e.message === 'string' ? e.message : '',
      errors: Array.isArray(e.errors) ? e.errors : [],
      instance: e.instance,
      body: text,
    });
  }
  return new ErrorClass({
    status,
    code: `HTTP-${status}`,
    message: text ? `Unexpected response body: ${text.slice(0, 200)}` : 'Empty response body.',
    errors: [],
    instance: undefined,
    body: text,
  });
}
