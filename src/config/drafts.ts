import type { Site } from './issues.js';
import type {
  AddressRange,
  Config,
  LabelSelector,
  PeerConfig,
  RouterAccess,
  ServiceAllocationRules,
  SpeakerConfig,
  KubernetesSource,
  HealthChecksConfig,
} from './model.js';

/**
 * What one config document contributes, before documents are merged and cross-checked. Every
 * draft keeps the site it came from and a way to find the site of each of its fields, so merge
 * errors point at the key the user actually wrote (`hold-time` vs `spec.holdTime`).
 */

export type FieldSite<F extends string> = (field: F) => Site;

export interface PeerDraft {
  site: Site;
  fieldSite: FieldSite<'name' | 'holdTime' | 'keepaliveTime' | 'password' | 'bfdProfile' | 'ebgpMultiHop'>;
  name: string;
  peerAddress: string;
  peerAsn: number;
  myAsn: number;
  peerPort?: number;
  holdTimeMs?: number;
  keepaliveTimeMs?: number;
  connectTimeMs?: number;
  routerId?: string;
  sourceAddress?: string;
  sourceAddresses?: string[];
  password?: string;
  passwordSecret?: PeerConfig['passwordSecret'];
  ebgpMultiHop?: boolean;
  ttlSecurity?: boolean;
  dualStackAddressFamily?: boolean;
  nodeSelectors: LabelSelector[];
  bfdProfile?: string;
}

export interface CommunityDraft {
  site: Site;
  text: string;
}

export interface AdvertisementDraft {
  site: Site;
  fieldSite: FieldSite<'name' | 'aggregationLength' | 'aggregationLengthV6' | 'ipAddressPools' | 'peers'>;
  name: string;
  /** Pool names; with no names and no selectors the advertisement covers every pool. */
  poolNames: string[];
  poolSelectors: LabelSelector[];
  aggregationLength?: number;
  aggregationLengthV6?: number;
  localPref?: number;
  communities: CommunityDraft[];
  peers: string[];
  nodeSelectors: LabelSelector[];
  serviceSelectors?: LabelSelector[];
}

export interface PoolDraft {
  site: Site;
  fieldSite: FieldSite<'name' | 'addresses'>;
  name: string;
  /** Set by the ConfigMap and our own form; CRD pools get theirs from the advertisements. */
  protocol?: 'bgp' | 'layer2';
  addresses: Array<{ range: AddressRange; site: Site }>;
  autoAssign: boolean;
  avoidBuggyIps: boolean;
  labels: Record<string, string>;
  serviceAllocation?: ServiceAllocationRules;
  /**
   * Advertisements written inside the pool (ConfigMap). `undefined` means the pool does not
   * carry its own list; an empty list in a ConfigMap bgp pool means MetalLB's implicit default.
   */
  ownAdvertisements?: AdvertisementDraft[];
}

export interface AliasDraft {
  site: Site;
  name: string;
  value: string;
}

/** A whole-config setting (router access, speaker...) with where it was written. */
export interface SettingDraft<T> {
  site: Site;
  value: T;
}

export interface Fragment {
  router?: SettingDraft<RouterAccess>;
  speaker?: SettingDraft<SpeakerConfig>;
  kubernetes?: SettingDraft<KubernetesSource>;
  loadBalancerClass?: SettingDraft<string>;
  manageNeighbors?: SettingDraft<boolean>;
  neighborDescription?: SettingDraft<string>;
  verifyIntervalSec?: SettingDraft<number>;
  announceOnly?: SettingDraft<boolean>;
  healthChecks?: SettingDraft<HealthChecksConfig>;
  peers: PeerDraft[];
  pools: PoolDraft[];
  /** Advertisements that stand alone and select pools (CRDs, our own form). */
  advertisements: AdvertisementDraft[];
  /** L2Advertisements: only which pools they select matters (layer2 is not announced). */
  l2Advertisements: Array<Pick<AdvertisementDraft, 'site' | 'poolNames' | 'poolSelectors'>>;
  aliases: AliasDraft[];
}

export type SettingKey = keyof Omit<
  Fragment,
  'peers' | 'pools' | 'advertisements' | 'l2Advertisements' | 'aliases'
> &
  keyof Config;

export function emptyFragment(): Fragment {
  return { peers: [], pools: [], advertisements: [], l2Advertisements: [], aliases: [] };
}
