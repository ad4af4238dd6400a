import type { ErrorDetail } from './model';

export interface SourceErrorContext {
  sourceId: string;
  /** fetch | parse | store | detect | alert */
  stage: string;
  url?: string;
  field?: string;
  /** The offending raw value, already truncated for display. */
  value?: string;
  /** Whether trying again later may help (network errors, 429, 5xx). */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * An error that names the source and, where known, the URL, field and raw value, so the
 * boundary that handles it (the run, the CLI, an operator alert) can say exactly what was wrong.
 */
export class SourceError extends Error {
  readonly sourceId: string;
  readonly stage: string;
  readonly url?: string;
  readonly field?: string;
  readonly value?: string;
  readonly retryable: boolean;

  constructor(message: string, context: SourceErrorContext) {
    const where = [
      `source "${context.sourceId}"`,
      context.field !== undefined ? `field "${context.field}"` : undefined,
      context.value !== undefined ? `value ${JSON.stringify(context.value)}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    super(`${where}: ${message}`, context.cause !== undefined ? { cause: context.cause } : undefined);
    this.name = 'SourceError';
    this.sourceId = context.sourceId;
    this.stage = context.stage;
    this.url = context.url;
    this.field = context.field;
    this.value = context.value;
    this.retryable = context.retryable ?? false;
  }

  toDetail(): ErrorDetail {
    return {
      message: this.message,
      stage: this.stage,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.value !== undefined ? { value: this.value } : {}),
    };
  }
}

/** Shortens untrusted text for error messages and evidence. */
export function excerpt(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  // Control characters from the web never reach logs or messages verbatim.
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function toErrorDetail(error: unknown, stage: string): ErrorDetail {
  if (error instanceof SourceError) return error.toDetail();
  return { message: error instanceof Error ? error.message : String(error), stage };
}
