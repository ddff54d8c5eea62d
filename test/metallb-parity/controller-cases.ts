/**
 * The cases of MetalLB's controller/controller_test.go TestControllerMutation (metallb/metallb at
 * 7938d3f8), one row per case, in MetalLB's order, with MetalLB's expectations: `in` is the
 * service as MetalLB's test builds it, `want` the addresses its status must end with (absent: the
 * service is not changed), `wantErr` whether MetalLB logs a warning event.
 */

/** The parts of MetalLB's v1.Service the cases set. */
export interface MutationService {
  type: 'LoadBalancer' | 'ClusterIP' | 'NodePort';
  clusterIPs?: string[];
  loadBalancerIP?: string;
  policy?: 'RequireDualStack' | 'PreferDualStack';
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  status?: string[];
  /** Ingress entries with a hostname instead of an IP. */
  hostnames?: string[];
  etp?: 'Local';
}

export interface MutationCase {
  desc: string;
  in?: MutationService;
  want?: string[];
  wantErr?: boolean;
}

export const TestControllerMutation: MutationCase[] = [
  { desc: 'deleted balancer' },
  { desc: 'simple non-LoadBalancer', in: { type: 'ClusterIP', clusterIPs: ['1.2.3.4'] } },
  { desc: 'simple LoadBalancer', in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'] }, want: ['1.2.3.0'] },
  {
    desc: 'request specific IP',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], loadBalancerIP: '1.2.3.1' },
    want: ['1.2.3.1'],
  },
  {
    desc: 'request specific IP via custom annotation',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      annotations: { 'metallb.io/loadBalancerIPs': '1.2.3.1' },
    },
    want: ['1.2.3.1'],
  },
  {
    desc: 'request IP from both svc.spec.LoadBalancerIP and custom annotation',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      loadBalancerIP: '1.2.3.2',
      annotations: { 'metallb.io/loadBalancerIPs': '1.2.3.1' },
    },
    wantErr: true,
  },
  {
    desc: 'request invalid IP',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      loadBalancerIP: 'please sir may I have an IP address thank you',
    },
    wantErr: true,
  },
  {
    desc: 'incompatible ip and address pool annotations',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      annotations: { 'metallb.io/loadBalancerIPs': '1.2.3.1', 'metallb.io/address-pool': 'pool2' },
    },
    wantErr: true,
  },
  {
    desc: 'request invalid IP via custom annotation',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      annotations: { 'metallb.io/loadBalancerIPs': 'please sir may I have an IP address thank you' },
    },
    wantErr: true,
  },
  {
    desc: 'request two IPs from same ip family via custom annotation',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      annotations: { 'metallb.io/loadBalancerIPs': '1.2.3.1,1.2.3.2' },
    },
    wantErr: true,
  },
  {
    desc: 'request infeasible IP',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], loadBalancerIP: '1.2.3.4', status: ['1.2.3.1'] },
    want: [],
    wantErr: true,
  },
  {
    desc: 'request IP from specific pool',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      annotations: { 'metallb.io/address-pool': 'pool1' },
    },
    want: ['1.2.3.0'],
  },
  {
    desc: 'switch to a different specific pool',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      annotations: { 'metallb.io/address-pool': 'pool2' },
      status: ['1.2.3.0'],
    },
    want: ['3.4.5.6'],
  },
  {
    desc: 'unknown pool requested',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      annotations: { 'metallb.io/address-pool': 'does-not-exist' },
    },
    wantErr: true,
  },
  {
    desc: 'invalid IP assigned',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], status: ['2.3.4.5'] },
    want: ['1.2.3.0'],
  },
  {
    desc: 'invalid ingress state',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      status: ['10.10.10.10'],
      hostnames: ['foo.bar.local'],
    },
    want: ['1.2.3.0'],
  },
  {
    desc: 'former LoadBalancer, now NodePort',
    in: { type: 'NodePort', clusterIPs: ['1.2.3.4'], status: ['1.2.3.0'] },
    want: [],
  },
  {
    desc: 'request layer2 service',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], loadBalancerIP: '3.4.5.6' },
    want: ['3.4.5.6'],
  },
  {
    desc: 'Layer2 service with local traffic policy',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], loadBalancerIP: '3.4.5.6', etp: 'Local' },
    want: ['3.4.5.6'],
  },
  { desc: 'No ClusterIP', in: { type: 'LoadBalancer' } },
  {
    desc: 'request IP from wrong ip-family (ipv4)',
    in: { type: 'LoadBalancer', clusterIPs: ['3000::1'], loadBalancerIP: '1.2.3.1' },
    wantErr: true,
  },
  {
    desc: 'request IP from wrong ip-family (ipv4) via custom annotation',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['3000::1'],
      annotations: { 'metallb.io/loadBalancerIPs': '1.2.3.1' },
    },
    wantErr: true,
  },
  {
    desc: 'request IP from wrong ip-family (ipv6)',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], loadBalancerIP: '1000::' },
    wantErr: true,
  },
  {
    desc: 'request IP from wrong ip-family (ipv6) via custom annotation',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      annotations: { 'metallb.io/loadBalancerIPs': '1000::' },
    },
    wantErr: true,
  },
  {
    desc: 'IP from wrong ip-family (ipv6) assigned',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], status: ['1000::'] },
    want: ['1.2.3.0'],
  },
  {
    desc: 'IP from wrong ip-family (ipv4) assigned',
    in: { type: 'LoadBalancer', clusterIPs: ['3000::1'], status: ['1.2.3.0'] },
    want: ['1000::'],
  },
  { desc: 'deleted balancer' },
  {
    desc: 'simple dual-stack LoadBalancer',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4', '3000::1'], policy: 'RequireDualStack' },
    want: ['1.2.3.0', '1000::'],
  },
  {
    desc: 'request IPs from specific pool',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4', '3000::1'],
      policy: 'RequireDualStack',
      annotations: { 'metallb.io/address-pool': 'pool5' },
    },
    want: ['1.2.3.0', '1000::'],
  },
  {
    desc: 'simple dual-stack LoadBalancer with PreferDualStack policy',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4', '3000::1'], policy: 'PreferDualStack' },
    want: ['1.2.3.0', '1000::'],
  },
  {
    desc: 'single-stack LoadBalancer with PreferDualStack policy',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], policy: 'PreferDualStack', namespace: 'test-ns1' },
    want: ['7.8.9.0'],
  },
  {
    desc: 'request IPs from dualstack pool with PreferDualStack policy',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4', '3000::1'],
      policy: 'PreferDualStack',
      annotations: { 'metallb.io/address-pool': 'pool5' },
    },
    want: ['1.2.3.0', '1000::'],
  },
  {
    desc: 'request IP from single-stack ipv4 pool with PreferDualStack policy',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4', '1000::'],
      policy: 'PreferDualStack',
      annotations: { 'metallb.io/address-pool': 'pool1' },
    },
    want: ['1.2.3.0'],
  },
  {
    desc: 'request IP from single-stack ipv6 pool with PreferDualStack policy',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1000::1'],
      policy: 'PreferDualStack',
      annotations: { 'metallb.io/address-pool': 'pool3' },
    },
    want: ['1000::'],
  },
  {
    desc: 'request IPs from dualstack pool with PreferDualStack policy but single stack clusterip',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      policy: 'PreferDualStack',
      annotations: { 'metallb.io/address-pool': 'pool5' },
    },
    want: ['1.2.3.0'],
  },
  {
    desc: 'request IPs from dualstack pool with RequireDualStack policy but single stack clusterip',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4'],
      policy: 'RequireDualStack',
      annotations: { 'metallb.io/address-pool': 'pool5' },
    },
    wantErr: true,
  },
  {
    desc: 'request specific loadbalancer IP with dual-stack',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4', '3000::1'], loadBalancerIP: '1.2.3.1' },
    wantErr: true,
  },
  {
    desc: 'request specific loadbalancer IPv4 address via custom annotation for dual-stack config',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4', '3000::1'],
      annotations: { 'metallb.io/loadBalancerIPs': '1.2.3.1' },
    },
    wantErr: true,
  },
  {
    desc: 'request dual-stack loadbalancer IPs via custom annotation',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['1.2.3.4', '3000::1'],
      policy: 'RequireDualStack',
      annotations: { 'metallb.io/loadBalancerIPs': '1.2.3.0,1000::' },
    },
    want: ['1.2.3.0', '1000::'],
  },
  {
    desc: 'request dual-stack loadbalancer with invalid ingress',
    in: {
      type: 'LoadBalancer',
      clusterIPs: ['3000::1', '5.6.7.8'],
      policy: 'RequireDualStack',
      status: ['1000::'],
      hostnames: ['foo.bar.local'],
    },
    want: ['1.2.3.0', '1000::'],
  },
  {
    desc: 'request dual-stack loadbalancer IPs via custom annotation in a single stack cluster',
    in: { type: 'LoadBalancer', annotations: { 'metallb.io/loadBalancerIPs': '1.2.3.0,1000::' } },
    wantErr: true,
  },
  {
    desc: 'request IP for service from namespace specific ip pool',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], namespace: 'test-ns1' },
    want: ['7.8.9.0'],
  },
  {
    desc: 'request IP for service from no priority namespace specific ip pool',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], namespace: 'test-ns2' },
    want: ['16.17.18.0'],
  },
  {
    desc: 'request IP for service from service label specific ip pool',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], labels: { team: 'metallb' } },
    want: ['19.20.21.0'],
  },
  {
    desc: 'request IP for service from ip pool having both namespace and service label',
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], namespace: 'test-ns1', labels: { team: 'metallb' } },
    want: ['25.26.27.0'],
  },
  {
    desc: "simple LoadBalancer, ips already assigned but can't determine family",
    in: { type: 'LoadBalancer', clusterIPs: ['1.2.3.4'], status: ['1.2.3.0', '1.2.3.1', '1.2.3.2'] },
    want: ['1.2.3.0'],
    wantErr: true,
  },
];
