// All JSON Schemas (policies, receipts, bundle indexes, dictionaries) in one ajv 2020-12 instance.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { packageRoot } from '../core/paths.js';

let ajv: Ajv2020 | undefined;

function instance(): Ajv2020 {
  if (ajv) return ajv;
  ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
  for (const sub of ['policies', 'schemas']) {
    const dir = join(packageRoot(), 'contracts', sub);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.schema.json')).sort()) {
      const schema = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      ajv.addSchema(schema, f);
    }
  }
  return ajv;
}

/** "layer1/1A/hurdle.yaml" → "layer1.1A.hurdle.schema.json" */
export function policySchemaId(logicalName: string): string {
  return logicalName.replace(/\.ya?ml$/, '').split('/').join('.') + '.schema.json';
}

export function validatorFor(schemaId: string): ValidateFunction | undefined {
  return instance().getSchema(schemaId);
}

/** Validate or return the first error as { field, message, fix }. */
export function check(schemaId: string, doc: unknown): { field: string; message: string; fix: string } | null {
  const v = validatorFor(schemaId);
  if (!v) throw new Error(`unknown schema ${schemaId}`);
  if (v(doc)) return null;
  return formatAjvError(v.errors![0]);
}

export function formatAjvError(e: ErrorObject): { field: string; message: string; fix: string } {
  const field = e.instancePath || '/';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { field, message: `unknown field "${p.additionalProperty}"`, fix: `remove "${p.additionalProperty}" or check its spelling` };
    case 'required':
      return { field, message: `missing field "${p.missingProperty}"`, fix: `add "${p.missingProperty}"` };
    case 'type':
      return { field, message: `must be ${p.type}`, fix: `give a ${p.type} value` };
    case 'enum':
      return { field, message: `must be one of ${JSON.stringify(p.allowedValues)}`, fix: 'use one of the allowed values' };
    default:
      return { field, message: e.message ?? e.keyword, fix: `make ${field} satisfy "${e.keyword}" ${JSON.stringify(p)}` };
  }
}
