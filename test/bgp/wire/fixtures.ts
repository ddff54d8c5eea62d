import { readFileSync, readdirSync } from 'node:fs';
import {
  createContext,
  decodeMessage,
  negotiateContext,
  type CodecContext,
  type OpenMessage,
} from '../../../src/bgp/wire/index.js';

const DIR = new URL('../../../fixtures/bgp/capture/', import.meta.url);

/** The captured message in fixtures/bgp/capture/<name>.hex as bytes. */
export function captured(name: string): Buffer {
  return Buffer.from(readFileSync(new URL(`${name}.hex`, DIR), 'utf8').replace(/\s/g, ''), 'hex');
}

export function capturedNames(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.hex'))
    .map((f) => f.slice(0, -4))
    .sort();
}

const frrOpen = decodeMessage(captured('frr-8.4.4-001-open'), createContext()) as OpenMessage;
const gobgpOpen = decodeMessage(captured('gobgp-3.10.0-001-open'), createContext()) as OpenMessage;

/** The context the receiver of a captured message decodes it with (what the OPENs negotiated). */
export function contextFor(name: string): CodecContext {
  return name.startsWith('frr') ? negotiateContext(gobgpOpen, frrOpen) : negotiateContext(frrOpen, gobgpOpen);
}

/** The context the sender of a captured message encoded it with (ADD-PATH directions swapped). */
export function senderContextFor(name: string): CodecContext {
  const ctx = contextFor(name);
  return { ...ctx, addPath: { send: ctx.addPath.receive, receive: ctx.addPath.send } };
}
