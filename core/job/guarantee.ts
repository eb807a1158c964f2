/**
 * What a printed ε means: the neighbouring relation it is stated under and
 * who has to behave for it to hold. Every place that prints a DP job's ε
 * (the simulation's table, `cohort ledger verify`, the dashboard, the README)
 * prints this beside it, from here, so the statements cannot drift apart.
 */

export type PrivacyUnit = 'record' | 'hospital';

export interface Guarantee {
  /** The neighbouring datasets ε compares. */
  adjacency: string;
  /** The parties the figure relies on, and what happens when one deviates. */
  trust: string;
}

const GUARANTEES: Readonly<Record<PrivacyUnit, Guarantee>> = {
  record: {
    adjacency: 'add/remove one patient record at one hospital (no record count leaves a hospital)',
    trust:
      'each hospital adds the noise to what it releases itself (DP-SGD updates, evaluation counts) and charges it to its own budget first, ' +
      'so it holds whatever the coordinator, the researcher or the other hospitals do; a deviating coordinator can only ask for more or ' +
      "replayed rounds, which each hospital refuses or charges, so past the job its budget (not the job's epsilon) bounds the total",
  },
  hospital: {
    adjacency: "add/remove one hospital's whole contribution",
    trust:
      'the noise is split among the hospitals inside the secure sum: it holds while at most secureAggregation.corruptClients hospitals ' +
      'collude with the coordinator (they know their own noise shares) and each released sum has at least privacy.minSurvivors inputs',
  },
};

export function guarantee(unit: PrivacyUnit): Guarantee {
  return GUARANTEES[unit];
}

/** One line for a terminal or a log: "adjacency: …; trust: …". */
export function guaranteeLine(unit: PrivacyUnit): string {
  const g = guarantee(unit);
  return `adjacency: ${g.adjacency}; trust: ${g.trust}`;
}
