/**
 * A query that cannot be answered as asked: bad input (400) or an unknown series or source (404).
 * The message is meant for the person who made the request, so it names the parameter and the value.
 */
export class QueryError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export const badRequest = (message: string) => new QueryError(400, message);
export const notFound = (message: string) => new QueryError(404, message);

/**
 * Turns the errors a read can raise from bad input into QueryErrors: the store's malformed-cursor
 * RangeError, and DynamoDB rejecting a well-formed cursor that belongs to another range.
 */
export function asQueryError(error: unknown): QueryError | undefined {
  if (error instanceof QueryError) return error;
  if (error instanceof RangeError && /malformed cursor/.test(error.message)) return badRequest('parameter "cursor": malformed cursor; pass the cursor of the previous page unchanged');
  if (error instanceof Error && error.name === 'ValidationException' && /(starting key|ExclusiveStartKey|query boundaries)/i.test(error.message)) {
    return badRequest('parameter "cursor": the cursor does not belong to this listing or range; start again without a cursor');
  }
  return undefined;
}
