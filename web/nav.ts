/**
 * The console's service navigation: which sections each principal sees. Part 2 (operators, designers, supervisors)
 * adds its entries here; a section is listed only for the principals its pages admit.
 */
import { admits, allow, type RoutePolicy } from '../api/auth/route-policy';
import type { Principal } from '../identity/claims';
import type { Messages } from './i18n/index';

type Label = { [K in keyof Messages]: Messages[K] extends string ? K : never }[keyof Messages];

export interface NavItem {
  href: string;
  label: Label;
  policy: RoutePolicy;
}

export const NAV: NavItem[] = [
  { href: '/services', label: 'navServices', policy: { public: true } },
  { href: '/my/cases', label: 'navMyCases', policy: allow('citizen') },
  { href: '/my/data', label: 'navMyData', policy: allow('citizen') },
  { href: '/officer/queue', label: 'navQueue', policy: allow('officer') },
  { href: '/operator/stuck', label: 'navStuck', policy: allow('operator') },
  { href: '/operator/health', label: 'navHealth', policy: allow('operator') },
  { href: '/designer', label: 'navProcedures', policy: allow('designer') },
  { href: '/supervisor', label: 'navQuality', policy: allow('auditor', 'operator', 'officer') },
];

export function navFor(principal: Principal | undefined): NavItem[] {
  return NAV.filter((n) => 'public' in n.policy || (principal !== undefined && admits(n.policy, principal)));
}
