// User input files (--merchants): read whole as text; a file that cannot be read is one line naming it.
import { readFile } from 'node:fs/promises';
import { fail, ErrorCodes } from '../core/errors.js';

export async function readInputText(path: string, fix: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    fail(ErrorCodes.INPUT_FILE_INVALID, `cannot read (${(e as NodeJS.ErrnoException).code})`, path, fix);
  }
}
