/**
 * Dokploy's error responses (apps/dokploy/server/api/trpc.ts `errorFormatter`): one JSON shape built by tRPC's error
 * formatter and the OpenAPI adapter, `{message, code, data:{code, httpStatus,
 * path?, zodError}, issues?}`, with the HTTP status taken from the tRPC code.
 * Handlers throw {@link SimError}; the HTTP layer renders it.
 */

/** tRPC codes Dokploy uses, with their HTTP status. */
export const HTTP_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
} as const;

export type TrpcCode = keyof typeof HTTP_STATUS;

/** A zod-4-style issue as Dokploy returns it in `issues`. */
export interface ZodIssue {
  code: string;
  path: Array<string | number>;
  message: string;
  [extra: string]: unknown;
}

/** A failure a handler reports the way Dokploy's handler would. */
export class SimError extends Error {
  override readonly name = "SimError";
  readonly code: TrpcCode;
  readonly issues: ZodIssue[] | undefined;

  constructor(code: TrpcCode, message: string, issues?: ZodIssue[]) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}

/** `new SimError("NOT_FOUND", "<Kind> not found")`, the message Dokploy's finders use. */
export function notFound(kind: string): SimError {
  return new SimError("NOT_FOUND", `${kind} not found`);
}

/** zod's `flatten()`: top-level issues in formErrors, the rest by first path key. */
export function flattenIssues(issues: ZodIssue[]): { formErrors: string[]; fieldErrors: Record<string, string[]> } {
  const formErrors: string[] = [];
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path[0];
    if (key === undefined) formErrors.push(issue.message);
    else (fieldErrors[String(key)] ??= []).push(issue.message);
  }
  return { formErrors, fieldErrors };
}

/** The status and JSON body Dokploy sends for `err`; `path` is the matched procedure, if any. */
export function renderError(err: SimError, path: string | undefined): { status: number; body: Record<string, unknown> } {
  const status = HTTP_STATUS[err.code];
  const data: Record<string, unknown> = { code: err.code, httpStatus: status };
  if (path !== undefined) data.path = path;
  data.zodError = err.issues ? flattenIssues(err.issues) : null;
  const body: Record<string, unknown> = { message: err.message, code: err.code, data };
  if (err.issues) body.issues = err.issues;
  return { status, body };
}

/** The one body that breaks the shape: auth failures (packages/server/src/lib/auth.ts `validateRequest`). */
export const UNAUTHORIZED_BODY = '{"message":"Unauthorized"}';
