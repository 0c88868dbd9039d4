// Every failure a user can meet has a named code here, so logs, tests and docs agree on one list.
export const ErrorCodes = {
  CONFIG_YAML_INVALID: 'CONFIG_YAML_INVALID',
  CONFIG_SCHEMA_VIOLATION: 'CONFIG_SCHEMA_VIOLATION',
  CONFIG_MISSING: 'CONFIG_MISSING',
  CLI_BAD_ARGUMENT: 'CLI_BAD_ARGUMENT',
  UNKNOWN_SEGMENT: 'UNKNOWN_SEGMENT',
  UNKNOWN_SCALE: 'UNKNOWN_SCALE',
  OUT_NOT_WRITABLE: 'OUT_NOT_WRITABLE',
  INPUT_FILE_INVALID: 'INPUT_FILE_INVALID',
  IO_WRITE_CONFLICT: 'IO_WRITE_CONFLICT',
  IO_WRITE_FAILED: 'IO_WRITE_FAILED',
  GATE_MISSING: 'GATE_MISSING',
  GATE_FLAG_MALFORMED: 'GATE_FLAG_MALFORMED',
  GATE_INDEX_INVALID: 'GATE_INDEX_INVALID',
  GATE_FILE_MISSING: 'GATE_FILE_MISSING',
  GATE_FILE_DIGEST_MISMATCH: 'GATE_FILE_DIGEST_MISMATCH',
  GATE_DIGEST_MISMATCH: 'GATE_DIGEST_MISMATCH',
  GATE_UNLISTED_FILE: 'GATE_UNLISTED_FILE',
  UNSEALED_OUTPUT: 'UNSEALED_OUTPUT',
  SEALED_INPUT_DIGEST_MISMATCH: 'SEALED_INPUT_DIGEST_MISMATCH',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  RNG_ACCOUNTING_MISMATCH: 'RNG_ACCOUNTING_MISMATCH',
  WORKER_FAILED: 'WORKER_FAILED',
  INTERRUPTED: 'INTERRUPTED',
  REFERENCE_PIN_MISMATCH: 'REFERENCE_PIN_MISMATCH',
  NOT_BUILT: 'NOT_BUILT',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** A user-facing failure: one line naming where (file/field) and how to fix it. */
export class FwError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly where?: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'FwError';
  }
  /** The single line the CLI prints. */
  line(): string {
    const parts = [`error ${this.code}:`];
    if (this.where) parts.push(`${this.where}:`);
    parts.push(this.message);
    if (this.fix) parts.push(`(fix: ${this.fix})`);
    return parts.join(' ');
  }
}

export function fail(code: ErrorCode, message: string, where?: string, fix?: string): never {
  throw new FwError(code, message, where, fix);
}
