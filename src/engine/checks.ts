// The checks a segment collects before it seals: each passes or fails, required or a warning, with its count.

export interface Check {
  id: string;
  required: boolean;
  passed: boolean;
  detail: string;
  /** how many rows/keys/pairs the check found wrong, where it counts them */
  affected?: number;
}

/** Collects checks; `add` returns whether it passed, for callers that branch on it. */
export class Checks {
  readonly list: Check[] = [];
  add(id: string, passed: boolean, detail: string, required = true, affected?: number): boolean {
    this.list.push(affected === undefined ? { id, required, passed, detail } : { id, required, passed, detail, affected });
    return passed;
  }
  get passed(): boolean {
    return this.list.every((c) => c.passed || !c.required);
  }
  failures(): string[] {
    return this.list.filter((c) => !c.passed && c.required).map((c) => `${c.id} (${c.detail})`);
  }
}
