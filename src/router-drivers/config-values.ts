import { parseIp } from '../ip/address.js';
import { RouterConfigValueError } from './errors.js';

/*
 * Every value we put into a vtysh command passes one of these first. vtysh splits commands on
 * whitespace and newlines, so a value with a space, newline or quote could smuggle in a second
 * command; the checks below admit only characters that cannot.
 */

/** An IPv4 or IPv6 address (no zone, no prefix length). Returns it unchanged. */
export function checkAddress(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new RouterConfigValueError(field, value, 'is not an IP address');
  if (parseIp(value) !== undefined) return value;
  throw new RouterConfigValueError(field, value, 'is not an IP address');
}

/** A 4-byte AS number, 1..4294967295. */
export function checkAsn(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 4294967295) {
    throw new RouterConfigValueError(field, value, 'is not an AS number (an integer 1..4294967295)');
  }
  return value;
}

/** A neighbor description we write: letters, digits and `._:-` only, 1..80 characters. */
export function checkDescription(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9._:-]{1,80}$/.test(value)) {
    throw new RouterConfigValueError(
      field,
      value,
      'may only contain letters, digits and . _ : - (1..80 characters)',
    );
  }
  return value;
}

/** An integer in an inclusive range (maximum-paths, ebgp-multihop). */
export function checkIntInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RouterConfigValueError(field, value, `is not an integer ${min}..${max}`);
  }
  return value;
}
