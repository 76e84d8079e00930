/**
 * MicroTime: RFC 3339 with exactly six fractional digits, in UTC (metav1.MicroTime's wire format).
 *
 * @module
 */

/** Formats epoch milliseconds as a MicroTime string, such as "2026-01-01T00:00:00.123000Z". */
export function formatMicroTime(epochMs: number): string {
  const iso = new Date(Math.floor(epochMs)).toISOString(); // 2026-01-01T00:00:00.123Z
  return `${iso.slice(0, 23)}000Z`;
}
