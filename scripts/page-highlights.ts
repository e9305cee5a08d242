/**
 * What the seed pack highlights on each saved news page, as `entity:form` counts, for comparing
 * two versions of the matcher: run it here and in a checkout of another commit, then compare.
 *
 *   npx tsx scripts/page-highlights.ts [project-root] > after.json
 *   npx tsx scripts/page-highlights.ts --compare before.json after.json
 *
 * The page text is the document's text without scripts, styles and noscript, read in one piece
 * (as the content script's first pass reads the body).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Parser } from 'htmlparser2';

type Listing = Record<string, Record<string, number>>;

function pageText(html: string): string {
  let skip = 0;
  const parts: string[] = [];
  const hidden = (name: string) => name === 'script' || name === 'style' || name === 'noscript';
  const parser = new Parser({
    onopentag: (name) => void (hidden(name) && skip++),
    onclosetag: (name) => void (hidden(name) && skip--),
    ontext: (t) => void (skip === 0 && parts.push(t)),
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return parts.join('');
}

async function list(root: string): Promise<Listing> {
  const src = `${resolve(root)}/src`;
  const { compileDictionary } = await import(`${src}/build/compile-dictionary.ts`);
  const { readSeedFolder } = await import(`${src}/build/seed-files.ts`);
  const { loadDictionary } = await import(`${src}/core/dictionary.ts`);
  const { Scanner } = await import(`${src}/core/scanner.ts`);
  const { catalogue, seeds } = readSeedFolder(`${resolve(root)}/seeds`);
  const dict = loadDictionary(compileDictionary(catalogue, seeds).compiled);
  const pagesDir = resolve(root, '../shared/news-pages');
  const out: Listing = {};
  for (const file of readdirSync(pagesDir).filter((f) => f.endsWith('.html')).sort()) {
    const text = pageText(readFileSync(`${pagesDir}/${file}`, 'utf8'));
    const scanner = new Scanner(dict);
    scanner.feed(text);
    const forms: Record<string, number> = {};
    for (const m of scanner.finish() as { start: number; end: number; entity: number }[]) {
      const key = `${dict.entities[m.entity].id}:${text.slice(m.start, m.end)}`;
      forms[key] = (forms[key] ?? 0) + 1;
    }
    out[file] = forms;
  }
  return out;
}

function compare(before: Listing, after: Listing): string {
  const lines: string[] = [];
  let totalBefore = 0;
  let totalAfter = 0;
  for (const file of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = before[file] ?? {};
    const a = after[file] ?? {};
    const nb = Object.values(b).reduce((s, n) => s + n, 0);
    const na = Object.values(a).reduce((s, n) => s + n, 0);
    totalBefore += nb;
    totalAfter += na;
    const changes = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()
      .filter((k) => (b[k] ?? 0) !== (a[k] ?? 0))
      .map((k) => `${(a[k] ?? 0) > (b[k] ?? 0) ? '+' : '-'}${k} ${b[k] ?? 0}→${a[k] ?? 0}`);
    if (nb || na) lines.push(`${file.padEnd(44)} ${String(nb).padStart(4)} → ${String(na).padEnd(4)} ${changes.join(', ')}`);
  }
  lines.push(`all pages: ${totalBefore} → ${totalAfter} highlights (${Object.keys(after).length} pages)`);
  return lines.join('\n');
}

const args = process.argv.slice(2);
if (args[0] === '--compare') {
  console.log(compare(JSON.parse(readFileSync(args[1], 'utf8')) as Listing, JSON.parse(readFileSync(args[2], 'utf8')) as Listing));
} else {
  console.log(JSON.stringify(await list(args[0] ?? '.'), null, 1));
}
