import { BadInputError } from '../../util/errors.js';
import {
  ErrorCode,
  HeaderErrorSubcode,
  OpenErrorSubcode,
  RouteRefreshErrorSubcode,
  UpdateErrorSubcode,
} from './constants.js';
import type { Prefix } from './prefix-type.js';

/**
 * What the receiver must do about a malformed message (RFC 7606 §2):
 * - `session-reset`: send the NOTIFICATION (code, subcode, data) and close the session;
 * - `treat-as-withdraw`: keep the session, withdraw `withdrawn` (every prefix the UPDATE carried);
 * - `attribute-discard`: keep the session and the routes, drop the offending attribute.
 */
export type WireErrorAction = 'session-reset' | 'treat-as-withdraw' | 'attribute-discard';

/**
 * Every error cause the codec detects, with the NOTIFICATION code/subcode RFC 4271 §6 (and the
 * RFCs named) prescribes. The action column is the default; UPDATE attribute errors take the
 * action RFC 7606 §7 gives the attribute concerned (see attributes.ts).
 *
 * | reason                       | code/subcode | data                         | source                  |
 * | ---------------------------- | ------------ | ---------------------------- | ----------------------- |
 * | header-marker                | 1/1          | none                         | RFC 4271 §6.1           |
 * | header-length                | 1/2          | the 2-octet Length field     | RFC 4271 §6.1, RFC 8654 |
 * | header-type                  | 1/3          | the Type octet               | RFC 4271 §6.1           |
 * | open-malformed               | 2/0          | none                         | RFC 4271 §6.2 (params/capability malformed) |
 * | open-version                 | 2/1          | 2 octets: version 4          | RFC 4271 §6.2           |
 * | open-bad-peer-as             | 2/2          | none                         | RFC 7607 §2 (AS 0)      |
 * | open-bgp-identifier          | 2/3          | none                         | RFC 4271 §6.2, RFC 6286 |
 * | open-unsupported-parameter   | 2/4          | none                         | RFC 4271 §6.2           |
 * | open-hold-time               | 2/6          | none                         | RFC 4271 §6.2 (1 or 2 s)|
 * | update-malformed-attribute-list | 3/1       | none                         | RFC 4271 §6.3, RFC 7606 §3(g), §4 |
 * | update-unrecognized-well-known | 3/2        | the attribute                | RFC 4271 §6.3           |
 * | update-missing-well-known    | 3/3          | the missing type code        | RFC 4271 §6.3, RFC 7606 §3(d) |
 * | update-attribute-flags       | 3/4          | the attribute                | RFC 4271 §6.3, RFC 7606 §3(c) |
 * | update-attribute-length      | 3/5          | the attribute                | RFC 4271 §6.3, RFC 7606 §7 |
 * | update-invalid-origin        | 3/6          | the attribute                | RFC 4271 §6.3           |
 * | update-invalid-next-hop      | 3/8          | the attribute                | RFC 4271 §6.3, RFC 7606 §7.3 |
 * | update-optional-attribute    | 3/9          | the attribute                | RFC 4271 §6.3, RFC 4760 §7 |
 * | update-invalid-network-field | 3/10         | none                         | RFC 4271 §6.3, RFC 7606 §5.3 |
 * | update-malformed-as-path     | 3/11         | none                         | RFC 4271 §6.3, RFC 7606 §7.2 |
 * | route-refresh-length         | 7/1          | the whole message            | RFC 7313 §5             |
 */
const WIRE_ERRORS = {
  'header-marker': { code: ErrorCode.MessageHeader, subcode: HeaderErrorSubcode.ConnectionNotSynchronized },
  'header-length': { code: ErrorCode.MessageHeader, subcode: HeaderErrorSubcode.BadMessageLength },
  'header-type': { code: ErrorCode.MessageHeader, subcode: HeaderErrorSubcode.BadMessageType },
  'open-malformed': { code: ErrorCode.OpenMessage, subcode: OpenErrorSubcode.Unspecific },
  'open-version': { code: ErrorCode.OpenMessage, subcode: OpenErrorSubcode.UnsupportedVersionNumber },
  'open-bad-peer-as': { code: ErrorCode.OpenMessage, subcode: OpenErrorSubcode.BadPeerAs },
  'open-bgp-identifier': { code: ErrorCode.OpenMessage, subcode: OpenErrorSubcode.BadBgpIdentifier },
  'open-unsupported-parameter': {
    code: ErrorCode.OpenMessage,
    subcode: OpenErrorSubcode.UnsupportedOptionalParameter,
  },
  'open-hold-time': { code: ErrorCode.OpenMessage, subcode: OpenErrorSubcode.UnacceptableHoldTime },
  'update-malformed-attribute-list': {
    code: ErrorCode.UpdateMessage,
    subcode: UpdateErrorSubcode.MalformedAttributeList,
  },
  'update-unrecognized-well-known': {
    code: ErrorCode.UpdateMessage,
    subcode: UpdateErrorSubcode.UnrecognizedWellKnownAttribute,
  },
  'update-missing-well-known': {
    code: ErrorCode.UpdateMessage,
    subcode: UpdateErrorSubcode.MissingWellKnownAttribute,
  },
  'update-attribute-flags': {
    code: ErrorCode.UpdateMessage,
    subcode: UpdateErrorSubcode.AttributeFlagsError,
  },
  'update-attribute-length': {
    code: ErrorCode.UpdateMessage,
    subcode: UpdateErrorSubcode.AttributeLengthError,
  },
  'update-invalid-origin': {
    code: ErrorCode.UpdateMessage,
    subcode: UpdateErrorSubcode.InvalidOriginAttribute,
  },
  'update-invalid-next-hop': {
    code: ErrorCode.UpdateMessage,
    subcode: UpdateErrorSubcode.InvalidNextHopAttribute,
  },
  'update-optional-attribute': {
    code: ErrorCode.UpdateMessage,
    subcode: UpdateErrorSubcode.OptionalAttributeError,
  },
  'update-invalid-network-field': {
    code: ErrorCode.UpdateMessage,
    subcode: UpdateErrorSubcode.InvalidNetworkField,
  },
  'update-malformed-as-path': { code: ErrorCode.UpdateMessage, subcode: UpdateErrorSubcode.MalformedAsPath },
  'route-refresh-length': {
    code: ErrorCode.RouteRefreshMessage,
    subcode: RouteRefreshErrorSubcode.InvalidMessageLength,
  },
} as const satisfies Record<string, { code: number; subcode: number }>;

export type WireErrorReason = keyof typeof WIRE_ERRORS;

/**
 * A malformed BGP message. Decoders throw nothing else: the error says what to send (NOTIFICATION
 * code, subcode, data) or, for UPDATEs, the RFC 7606 action and the prefixes it affects.
 */
export class BgpWireError extends BadInputError {
  readonly code: number;
  readonly subcode: number;
  constructor(
    readonly reason: WireErrorReason,
    /** What exactly was wrong, for logs. */
    readonly detail: string,
    readonly data: Buffer = Buffer.alloc(0),
    readonly action: WireErrorAction = 'session-reset',
    /** For `treat-as-withdraw`: every prefix (withdrawn, NLRI, MP) the UPDATE carried. */
    readonly withdrawn: Prefix[] = [],
  ) {
    super(`BGP ${reason} (${WIRE_ERRORS[reason].code}/${WIRE_ERRORS[reason].subcode}): ${detail}`);
    this.code = WIRE_ERRORS[reason].code;
    this.subcode = WIRE_ERRORS[reason].subcode;
  }

  /** The same error with another action / affected prefixes (RFC 7606 decides after parsing). */
  withAction(action: WireErrorAction, withdrawn: Prefix[] = []): BgpWireError {
    return new BgpWireError(this.reason, this.detail, this.data, action, withdrawn);
  }
}

/** A message we were asked to build cannot be encoded (too big, missing next hop, bad value). */
export class BgpEncodeError extends BadInputError {}
