import { CapabilityCode } from './constants.js';
import { BgpEncodeError, BgpWireError } from './errors.js';
import { copyBytes } from './prefix.js';
import type { Capability } from './types.js';

function malformed(code: number, why: string): BgpWireError {
  // RFC 4271 §6.2: a recognised optional parameter that is malformed -> OPEN error, subcode 0.
  return new BgpWireError('open-malformed', `capability ${code}: ${why}`);
}

const u16 = (b: Uint8Array, i: number): number => ((b[i] as number) << 8) | (b[i + 1] as number);

function expectLength(code: number, len: number, ok: boolean): void {
  if (!ok) throw malformed(code, `bad length ${len}`);
}

/** Decodes one capability value (`len` octets at `off`; the caller checked they exist). */
export function decodeCapability(code: number, b: Uint8Array, off: number, len: number): Capability {
  switch (code) {
    case CapabilityCode.Multiprotocol:
      expectLength(code, len, len === 4);
      return { kind: 'multiprotocol', afi: u16(b, off), safi: b[off + 3] as number };
    case CapabilityCode.RouteRefresh:
      expectLength(code, len, len === 0);
      return { kind: 'route-refresh' };
    case CapabilityCode.RouteRefreshCisco:
      expectLength(code, len, len === 0);
      return { kind: 'route-refresh-cisco' };
    case CapabilityCode.EnhancedRouteRefresh:
      expectLength(code, len, len === 0);
      return { kind: 'enhanced-route-refresh' };
    case CapabilityCode.ExtendedMessage:
      expectLength(code, len, len === 0);
      return { kind: 'extended-message' };
    case CapabilityCode.FourOctetAs: {
      expectLength(code, len, len === 4);
      const asn = readU32(b, off);
      // RFC 7607 §2: AS 0 is never a peer's AS, in My Autonomous System or in this capability.
      if (asn === 0) throw new BgpWireError('open-bad-peer-as', 'the 4-octet AS capability carries AS 0');
      return { kind: 'four-octet-as', asn };
    }
    case CapabilityCode.GracefulRestart: {
      expectLength(code, len, len >= 2 && (len - 2) % 4 === 0);
      const head = u16(b, off);
      const families = [];
      for (let i = off + 2; i < off + len; i += 4) {
        const flags = b[i + 3] as number;
        const fam = { afi: u16(b, i), safi: b[i + 2] as number, forwarding: (flags & 0x80) !== 0 };
        families.push((flags & 0x7f) !== 0 ? { ...fam, flagsReserved: flags & 0x7f } : fam);
      }
      const cap: Capability = {
        kind: 'graceful-restart',
        restarting: (head & 0x8000) !== 0,
        notification: (head & 0x4000) !== 0,
        restartTime: head & 0x0fff,
        families,
      };
      if ((head & 0x3000) !== 0) cap.flagsReserved = (head >> 12) & 0x3;
      return cap;
    }
    case CapabilityCode.LongLivedGracefulRestart: {
      expectLength(code, len, len % 7 === 0);
      const families = [];
      for (let i = off; i < off + len; i += 7) {
        const flags = b[i + 3] as number;
        const fam = {
          afi: u16(b, i),
          safi: b[i + 2] as number,
          forwarding: (flags & 0x80) !== 0,
          staleTime: ((b[i + 4] as number) << 16) | u16(b, i + 5),
        };
        families.push((flags & 0x7f) !== 0 ? { ...fam, flagsReserved: flags & 0x7f } : fam);
      }
      return { kind: 'long-lived-graceful-restart', families };
    }
    case CapabilityCode.AddPath: {
      expectLength(code, len, len % 4 === 0);
      const families = [];
      for (let i = off; i < off + len; i += 4) {
        const sr = b[i + 3] as number;
        // RFC 7911 §4: any other Send/Receive value makes the capability not understood.
        if (sr > 3) return { kind: 'unknown', code, value: copyBytes(b, off, off + len) };
        families.push({
          afi: u16(b, i),
          safi: b[i + 2] as number,
          send: (sr & 2) !== 0,
          receive: (sr & 1) !== 0,
        });
      }
      return { kind: 'add-path', families };
    }
    case CapabilityCode.Fqdn: {
      if (len < 1) throw malformed(code, 'empty');
      const hl = b[off] as number;
      if (1 + hl + 1 > len) throw malformed(code, 'hostname overruns the capability');
      const dl = b[off + 1 + hl] as number;
      if (2 + hl + dl !== len) throw malformed(code, 'domain length does not match');
      const text = (s: number, n: number): string =>
        Buffer.from(b.buffer, b.byteOffset + s, n).toString('utf8');
      return { kind: 'fqdn', hostname: text(off + 1, hl), domain: text(off + 2 + hl, dl) };
    }
    case CapabilityCode.ExtendedNextHop: {
      expectLength(code, len, len % 6 === 0);
      const entries = [];
      for (let i = off; i < off + len; i += 6) {
        entries.push({ afi: u16(b, i), safi: u16(b, i + 2), nextHopAfi: u16(b, i + 4) });
      }
      return { kind: 'extended-next-hop', entries };
    }
    default:
      return { kind: 'unknown', code, value: copyBytes(b, off, off + len) };
  }
}

function readU32(b: Uint8Array, i: number): number {
  return (
    (b[i] as number) * 0x1000000 +
    (((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number))
  );
}

function afiSafi(afi: number, safi: number): number[] {
  return [afi >> 8, afi & 0xff, safi & 0xff];
}

/** Encodes one capability as code, length, value. */
export function encodeCapability(cap: Capability): Buffer {
  let code: number;
  let value: number[] | Uint8Array;
  switch (cap.kind) {
    case 'multiprotocol':
      code = CapabilityCode.Multiprotocol;
      value = [cap.afi >> 8, cap.afi & 0xff, 0, cap.safi];
      break;
    case 'route-refresh':
      code = CapabilityCode.RouteRefresh;
      value = [];
      break;
    case 'route-refresh-cisco':
      code = CapabilityCode.RouteRefreshCisco;
      value = [];
      break;
    case 'enhanced-route-refresh':
      code = CapabilityCode.EnhancedRouteRefresh;
      value = [];
      break;
    case 'extended-message':
      code = CapabilityCode.ExtendedMessage;
      value = [];
      break;
    case 'four-octet-as':
      code = CapabilityCode.FourOctetAs;
      value = [cap.asn >>> 24, (cap.asn >>> 16) & 0xff, (cap.asn >>> 8) & 0xff, cap.asn & 0xff];
      break;
    case 'graceful-restart': {
      code = CapabilityCode.GracefulRestart;
      const head =
        (cap.restarting ? 0x8000 : 0) |
        (cap.notification ? 0x4000 : 0) |
        ((cap.flagsReserved ?? 0) << 12) |
        (cap.restartTime & 0x0fff);
      value = [head >> 8, head & 0xff];
      for (const f of cap.families) {
        value.push(...afiSafi(f.afi, f.safi), (f.forwarding ? 0x80 : 0) | (f.flagsReserved ?? 0));
      }
      break;
    }
    case 'long-lived-graceful-restart':
      code = CapabilityCode.LongLivedGracefulRestart;
      value = [];
      for (const f of cap.families) {
        value.push(
          ...afiSafi(f.afi, f.safi),
          (f.forwarding ? 0x80 : 0) | (f.flagsReserved ?? 0),
          (f.staleTime >> 16) & 0xff,
          (f.staleTime >> 8) & 0xff,
          f.staleTime & 0xff,
        );
      }
      break;
    case 'add-path':
      code = CapabilityCode.AddPath;
      value = [];
      for (const f of cap.families)
        value.push(...afiSafi(f.afi, f.safi), (f.send ? 2 : 0) | (f.receive ? 1 : 0));
      break;
    case 'fqdn': {
      code = CapabilityCode.Fqdn;
      const h = Buffer.from(cap.hostname, 'utf8');
      const d = Buffer.from(cap.domain, 'utf8');
      if (h.length > 255 || d.length > 255)
        throw new BgpEncodeError('FQDN capability: name longer than 255 octets');
      value = Buffer.concat([Buffer.from([h.length]), h, Buffer.from([d.length]), d]);
      break;
    }
    case 'extended-next-hop':
      code = CapabilityCode.ExtendedNextHop;
      value = [];
      for (const e of cap.entries) {
        value.push(
          e.afi >> 8,
          e.afi & 0xff,
          e.safi >> 8,
          e.safi & 0xff,
          e.nextHopAfi >> 8,
          e.nextHopAfi & 0xff,
        );
      }
      break;
    case 'unknown':
      code = cap.code;
      value = cap.value;
      break;
  }
  if (value.length > 255) throw new BgpEncodeError(`capability ${code}: value longer than 255 octets`);
  const out = Buffer.alloc(2 + value.length);
  out[0] = code;
  out[1] = value.length;
  out.set(value, 2);
  return out;
}
