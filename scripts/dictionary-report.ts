/** Prints what the dictionary build found: errors, aliases never seen in the seeds, uncovered names. */
import { compileDictionary } from '../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../src/build/seed-files.ts';

const { catalogue, seeds } = readSeedFolder(new URL('../seeds/', import.meta.url).pathname);
const { compiled, records, report } = compileDictionary(catalogue, seeds);
console.log(`${records.length} entities, ${compiled.termEntity.length} aliases, ${compiled.automaton.states} automaton states`);
for (const e of report.errors) console.log(`error: ${e}`);
for (const u of report.unusedAliases) console.log(`alias never in the seeds: ${u.entity}: "${u.alias}"`);
for (const u of report.uncoveredNames) console.log(`capitalised word no entity covers: ${u.file}: "${u.word}" in: ${u.sentence.slice(0, 100)}`);
const noEvidence = records.filter((r) => r.evidence.length === 0).map((r) => r.id);
if (noEvidence.length) console.log(`entities from elsewhere: ${noEvidence.join(', ')}`);
process.exitCode = report.errors.length ? 1 : 0;
