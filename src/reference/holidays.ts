// Public holidays from the `date-holidays` npm package (pinned in package.json): its compiled rule data
// (lib/data.cjs) is sealed by digest; holiday dates are computed by the package's own parser, which does not
// depend on the host's time zone (5A's calendar reads only the local date of each holiday).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sha256Hex } from '../core/hash.js';

interface HolidayRow {
  date: string;
  type: string;
  name: string;
}
interface HolidaysApi {
  init(country: string): boolean;
  setLanguages(l: string | string[]): void;
  getHolidays(year: number): HolidayRow[];
  getCountries(): Record<string, string>;
}

function pkg() {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('date-holidays/package.json');
  const version = JSON.parse(readFileSync(pkgPath, 'utf8')).version as string;
  const local = createRequire(pkgPath);
  const dataPath = local.resolve('./lib/data.cjs');
  const parser = JSON.parse(readFileSync(local.resolve('date-holidays-parser/package.json'), 'utf8')).version as string;
  return { require, version, dataPath, parser };
}

export function holidaysDigest(): { source: string; sha256_hex: string } {
  const p = pkg();
  return { source: `date-holidays@${p.version}/lib/data.cjs (date-holidays-parser@${p.parser})`, sha256_hex: sha256Hex(readFileSync(p.dataPath)) };
}

export function holidaysVersion(): string {
  return pkg().version;
}

/** Holidays of a country in a year, as { date 'YYYY-MM-DD', type, name (English where the data has it) }; null when the package has no data for the country. */
export function countryHolidays(country: string, year: number): { date: string; type: string; name: string }[] | null {
  const H = pkg().require('date-holidays') as new () => HolidaysApi;
  const h = new H();
  if (!Object.prototype.hasOwnProperty.call(h.getCountries(), country) || !h.init(country)) return null;
  h.setLanguages('en');
  return h.getHolidays(year).map((x) => ({ date: x.date.slice(0, 10), type: x.type, name: x.name }));
}
