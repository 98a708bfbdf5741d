// Local calendar days in a tenant's time zone: which day an instant falls on, where that day starts
// and ends, and dates months or years later. Every rule that speaks of days (check-in, campaigns,
// birthdays, caps, expiry, tier windows) goes through here, so all of them agree on day boundaries.

export interface LocalDay {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** First and one-past-last epoch ms of the day in the zone. */
  start: number;
  end: number;
  /** 'YYYY-MM-DD', a stable key for per-day counters. */
  key: string;
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;

/** The local day `ms` falls on in `timeZone`. Cached per zone: the hot path asks about today. */
export function localDayOf(ms: number, timeZone: string): LocalDay {
  const zone = zoneOf(timeZone);
  for (const day of zone.recent) if (ms >= day.start && ms < day.end) return day;
  const day = computeDay(ms, zone);
  zone.recent.unshift(day);
  if (zone.recent.length > 8) zone.recent.pop();
  return day;
}

/** 'YYYY-MM', a stable key for per-month counters. */
export function monthKeyOf(day: Pick<LocalDay, 'year' | 'month'>): string {
  return `${day.year}-${pad(day.month)}`;
}

/** The epoch ms at which local date year-month-day begins in the zone (month may overflow: 13 = next January). */
export function startOfLocalDate(year: number, month: number, day: number, timeZone: string): number {
  return startOfLocalDateIn(year, month, day, zoneOf(timeZone));
}

/** Last millisecond of the local day that is `months` months and `days` days after the day of `ms`. */
export function endOfDayAfter(ms: number, months: number, days: number, timeZone: string): number {
  const from = localDayOf(ms, timeZone);
  const target = addMonthsClamped(from.year, from.month, from.day, months);
  return startOfLocalDate(target.year, target.month, target.day + days + 1, timeZone) - 1;
}

/** Last millisecond of 31 December of `year` in the zone. */
export function endOfLocalYear(year: number, timeZone: string): number {
  return startOfLocalDate(year + 1, 1, 1, timeZone) - 1;
}

/** Whole local days from the day of `a` to the day of `b` (b later gives a positive count). */
export function daysBetween(a: number, b: number, timeZone: string): number {
  const da = localDayOf(a, timeZone);
  const db = localDayOf(b, timeZone);
  return Math.round((Date.UTC(db.year, db.month - 1, db.day) - Date.UTC(da.year, da.month - 1, da.day)) / DAY_MS);
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Year-month-day `months` months later; a day past the target month's end becomes its last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsClamped(year: number, month: number, day: number, months: number): { year: number; month: number; day: number } {
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { year: y, month: m, day: Math.min(day, last) };
}

interface Zone {
  format: Intl.DateTimeFormat;
  recent: LocalDay[];
  /** Start instant of a local date, keyed by the date's UTC midnight. */
  starts: Map<number, number>;
}

const MAX_CACHED_STARTS = 4096;

const zones = new Map<string, Zone>();

function zoneOf(timeZone: string): Zone {
  let zone = zones.get(timeZone);
  if (!zone) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zone = { format, recent: [], starts: new Map() };
    zones.set(timeZone, zone);
  }
  return zone;
}

/** Zone offset from UTC at instant `ms`, in ms (Asia/Shanghai: +8 h). */
function offsetAt(ms: number, zone: Zone): number {
  const p = wallParts(ms, zone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

function wallParts(ms: number, zone: Zone) {
  const parts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of zone.format.formatToParts(ms)) {
    if (part.type in parts) parts[part.type as keyof typeof parts] = Number(part.value);
  }
  return parts;
}

function computeDay(ms: number, zone: Zone): LocalDay {
  const p = wallParts(ms, zone);
  const start = startOfLocalDateIn(p.year, p.month, p.day, zone);
  const end = startOfLocalDateIn(p.year, p.month, p.day + 1, zone);
  const weekday = ((new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7) + 1;
  return { year: p.year, month: p.month, day: p.day, weekday, start, end, key: `${p.year}-${pad(p.month)}-${pad(p.day)}` };
}

function startOfLocalDateIn(year: number, month: number, day: number, zone: Zone): number {
  const wall = Date.UTC(year, month - 1, day);
  // Expiry and pending dates of a day's earns all ask for the same few dates: formatToParts is µs each.
  const cached = zone.starts.get(wall);
  if (cached !== undefined) return cached;
  const start = computeStartOfDate(wall, zone);
  if (zone.starts.size >= MAX_CACHED_STARTS) zone.starts.clear();
  zone.starts.set(wall, start);
  return start;
}

function computeStartOfDate(wall: number, zone: Zone): number {
  // Two rounds settle the offset also when the wall time sits near an offset change.
  let guess = wall - offsetAt(wall, zone);
  guess = wall - offsetAt(guess, zone);
  // Where clocks jump forward at midnight (America/Santiago, America/Havana) the date has no 00:00:
  // the guess then lands on the evening before, and the day starts at the jump, found by bisection.
  if (wallDateOf(guess, zone) < wall) {
    let before = guess;
    let after = guess + 3 * 3_600_000;
    while (after - before > 1) {
      const mid = Math.floor((before + after) / 2);
      if (wallDateOf(mid, zone) < wall) before = mid;
      else after = mid;
    }
    guess = after;
  }
  return guess;
}

/** UTC midnight of the local date `ms` falls on: comparable with a requested date's `wall`. */
function wallDateOf(ms: number, zone: Zone): number {
  const p = wallParts(ms, zone);
  return Date.UTC(p.year, p.month - 1, p.day);
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
