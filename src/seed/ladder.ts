// The default tier ladder the seed writes into each year's policy (R-TIER-1, R-TIER-7 defaults).
export interface TierRow {
  key: string;
  name: string;
  rank: number;
  invitationOnly: boolean;
  requiresBidirectional: boolean;
  minActiveCustomers: number;
  minLiveApps: number;
  minLeadsSent: number;
  minWinRate: number;
  minRetention: number;
  maxResponseHours: number | null;
}

export function defaultTierLadder(): TierRow[] {
  return [
    { key: "FOUNDATION", name: "Foundation", rank: 0, invitationOnly: false, requiresBidirectional: false, minActiveCustomers: 0, minLiveApps: 0, minLeadsSent: 0, minWinRate: 0, minRetention: 0, maxResponseHours: null },
    { key: "SELECT", name: "Select", rank: 1, invitationOnly: false, requiresBidirectional: false, minActiveCustomers: 25, minLiveApps: 1, minLeadsSent: 2, minWinRate: 0.1, minRetention: 0.7, maxResponseHours: 72 },
    { key: "ELITE", name: "Elite", rank: 2, invitationOnly: false, requiresBidirectional: true, minActiveCustomers: 100, minLiveApps: 2, minLeadsSent: 6, minWinRate: 0.2, minRetention: 0.8, maxResponseHours: 48 },
    { key: "PREMIER", name: "Premier", rank: 3, invitationOnly: true, requiresBidirectional: true, minActiveCustomers: 250, minLiveApps: 2, minLeadsSent: 12, minWinRate: 0.25, minRetention: 0.85, maxResponseHours: 24 },
  ];
}
