/**
 * OpenSpending's Personal Tax API ("Where Does My Money Go?"): a household's direct and indirect tax estimated from
 * its income by linear interpolation between the income deciles of the UK ONS table for 2008/9, or from the top
 * decile's fractions of income above it. Upstream's numbers are kept; its labelling bugs are not (see the README).
 */

/** Per decile (column 0 is a zero anchor, columns 1..10 the deciles): average gross income and the taxes paid. */
const table = {
  income: [0, 9219, 13583, 17204, 22040, 25190, 32995, 37592, 46268, 56889, 94341],
  direct: [0, 1172, 1368, 1939, 3108, 3973, 6118, 7423, 10172, 13463, 23047],
  other: [0, 1016, 969, 1125, 1262, 1319, 1507, 1630, 1884, 2148, 2622],
  vat: [0, 1101, 1085, 1295, 1562, 1609, 1927, 2155, 2616, 2871, 3747],
  tobacco: [0, 288, 310, 317, 320, 295, 341, 286, 311, 235, 251],
  alcohol: [0, 150, 167, 182, 243, 222, 261, 306, 392, 450, 526],
  car: [0, 349, 289, 373, 505, 519, 632, 727, 851, 909, 949],
} as const;

type Row = Exclude<keyof typeof table, 'income'>;
const rows: Row[] = ['direct', 'other', 'vat', 'tobacco', 'alcohol', 'car'];
const top = table.income.length - 1;

export interface TaxShareInput {
  income: number;
  smoker: boolean;
  drinker: boolean;
  driver: boolean;
}

export interface TaxShare {
  tax: number;
  total_direct_tax?: number;
  vat?: number;
  tobacco_tax?: number;
  alcohol_tax?: number;
  car_related_tax?: number;
  total_indirect_tax?: number;
  explanation: string[];
}

const money = (value: number) => value.toFixed(2);

/** A decile's figures under their own labels (upstream printed them one column off). */
function decileText(d: number): string {
  return (
    `decile ${d} (which has average gross household income of ${money(table.income[d]!)}, and pays ` +
    `${money(table.direct[d]!)} in direct tax, ${money(table.vat[d]!)} in VAT, ${money(table.tobacco[d]!)} in smoking taxes, ` +
    `${money(table.alcohol[d]!)} in alcohol-related taxes, ${money(table.car[d]!)} in car-related taxes, and ` +
    `${money(table.other[d]!)} in other indirect taxes)`
  );
}

export function taxShare(input: TaxShareInput): TaxShare {
  const { income } = input;
  if (!(income > 0)) return { tax: 0, explanation: ['Incomes must be positive.'] };
  const estimate = {} as Record<Row, number>;
  const explanation: string[] = [];
  const d = table.income.findIndex((level) => income < level);
  if (d > 0) {
    const low = table.income[d - 1]!;
    const m = (income - low) / (table.income[d]! - low);
    for (const row of rows) estimate[row] = table[row][d - 1]! + m * (table[row][d]! - table[row][d - 1]!);
    explanation.push(
      d === 1
        ? `This household income is below the average of national income decile 1, so its taxes are interpolated between zero and ${decileText(1)}.`
        : `This household income falls between national average income ${decileText(d - 1)}, and ${decileText(d)}.`,
    );
  } else {
    for (const row of rows) estimate[row] = (income * table[row][top]!) / table.income[top]!;
    explanation.push(
      `This household income is above the average of national income ${decileText(top)}, so its taxes are estimated ` +
        'as the same fractions of income as that decile pays.',
    );
  }
  const tobacco = input.smoker ? estimate.tobacco : 0;
  const alcohol = input.drinker ? estimate.alcohol : 0;
  const car = input.driver ? estimate.car : 0;
  const indirect = estimate.other + estimate.vat + tobacco + alcohol + car;
  const tax = estimate.direct + indirect;
  const kind = `${input.smoker ? '' : ' non-smoking'}${input.drinker ? '' : ' non-drinking'}${input.driver ? '' : ' non-driving'}`;
  explanation.push(
    `Therefore, a${kind} household with an income of ${money(income)} pays approximately ${money(estimate.direct)} in direct tax ` +
      `and ${money(indirect)} in total indirect tax.`,
  );
  return {
    alcohol_tax: alcohol,
    car_related_tax: car,
    explanation,
    tax,
    tobacco_tax: tobacco,
    total_direct_tax: estimate.direct,
    total_indirect_tax: indirect,
    vat: estimate.vat,
  };
}
