// Usage: npx tsx examples/apollo/main.ts [http://localhost:4000/graphql]   (after `npm run codegen`)
import { createClient } from './client.js';
import { demo } from './demo.js';

const uri = process.argv[2] ?? 'http://localhost:4000/graphql';
const client = createClient({ uri, apiKey: process.env.SPENDGRAPH_API_KEY });
const seen = await demo(client, {
  cube: 'cra',
  recordsDatasets: ['geonames-all-cities-with-a-population-1000', process.argv[3] ?? 'geonames-all-cities-with-a-population-1000'],
  pageSize: 5,
});
console.log(JSON.stringify(seen, null, 2));
