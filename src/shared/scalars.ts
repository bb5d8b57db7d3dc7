import { GraphQLScalarType, Kind } from 'graphql';

const decimalPattern = /^-?\d+(\.\d+)?$/;

function toDecimalString(value: unknown): string {
  if (typeof value === 'string' && decimalPattern.test(value)) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && typeof (value as { toFixed?: unknown }).toFixed === 'function') {
    return (value as { toFixed(): string }).toFixed();
  }
  throw new TypeError(`Decimal cannot represent ${String(value)}`);
}

function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text === 'string' && decimalPattern.test(text.trim())) return text.trim();
  // A plain error: graphql-js then names the argument or variable path and the location around this message.
  throw new TypeError(`Decimal expects a number such as "954392.01", got ${JSON.stringify(value)}`);
}

/** Exact decimal numbers (money): sent as strings so no client loses cents to floating point. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number such as an amount of money, serialised as a string with the scale of its column ("954392.01", "1.00").',
  serialize: toDecimalString,
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value);
    throw new TypeError('Decimal expects a string or number literal');
  },
});
