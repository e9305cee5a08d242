/**
 * The dictionary page's worker: reading, checking, planning and writing pack files and entity
 * lists, building exports, and computing proposals from the stored coverage, off the page's main
 * thread (a list of 10,000 entities or 10,000 stored articles takes longer than a page may freeze).
 * It opens the same database as the background.
 */
import { records } from 'virtual:newsgloss-dictionary';
import { candidateRow, openCoverageDb, type CandidateRow, type CoverageDb } from '../background/coverage-db.ts';
import { applyPack, previewPack, type PackPreview } from '../background/dictionary-store.ts';
import { SEED_PACK_ID, type EntityAuthor } from '../core/dictionary.ts';
import { normalize } from '../core/normalize.ts';
import { knownByAliases, rankStoredProposals, sentenceAt, type Proposal } from '../core/proposals.ts';
import {
  PackFileError, exportedPackId, parseDictionaryFile, writePackFile,
  type EntityProblem, type ParsedPack, type UserEntity,
} from '../core/user-entities.ts';

export type DictionaryWorkerRequest =
  | { id: number; kind: 'preview' | 'import'; file: File; token: number; readerId: string }
  | { id: number; kind: 'export'; pack: string | null; ids: string[] | null; reader: EntityAuthor }
  | { id: number; kind: 'proposals'; limit: number };

export type DictionaryWorkerReply =
  | { id: number; preview: PackPreview }
  | { id: number; result: PackPreview }
  | { id: number; errors: EntityProblem[] }
  | { id: number; file: Blob; filename: string; count: number }
  | { id: number; proposals: Proposal[]; articles: number; ms: number }
  | { id: number; failure: string };

let db: Promise<CoverageDb> | null = null;
const seedIds: ReadonlySet<string> = new Set(records.map((r) => r.id));
/** The file last previewed, kept by the page's token so importing it does not read it again. */
let lastRead: { token: number; parsed: ParsedPack } | null = null;

async function read(file: File, token: number): Promise<ParsedPack> {
  if (lastRead?.token === token) return lastRead.parsed;
  if (file.size > 64 * 1024 * 1024) throw new PackFileError([{ where: '', message: 'the file is larger than 64 MB' }]);
  const parsed = parseDictionaryFile(await file.text(), file.name, { now: Date.now(), reservedIds: seedIds });
  lastRead = { token, parsed };
  return parsed;
}

async function exportPack(store: CoverageDb, pack: string | null, ids: string[] | null, reader: EntityAuthor) {
  let list: UserEntity[];
  if (ids) list = (await Promise.all(ids.map((id) => store.get('entities', id)))).filter((e): e is UserEntity => e !== undefined);
  else if (pack) list = await store.getAllFromIndex('entities', 'byPack', pack);
  else list = await store.getAll('entities');
  const packInfo = pack ? await store.get('packs', pack) : undefined;
  const name = packInfo && packInfo.origin !== 'mine' ? packInfo.name : `${reader.name || 'A teammate'}’s entities`;
  const text = writePackFile(list, { id: exportedPackId(pack ?? 'mine', reader.id), name }, reader);
  const day = new Date().toISOString().slice(0, 10);
  return { file: new Blob([text], { type: 'application/json' }), filename: `newsgloss-dictionary-${day}.json`, count: list.length };
}

/**
 * Proposals over every stored article. Candidates are found when an article is stored and kept
 * beside it (one short string per article), so this reads them in one request; articles stored
 * before that (or by other means) have theirs found here once and written back.
 */
async function proposals(store: CoverageDb, limit: number) {
  const started = performance.now();
  const [keys, rows] = await Promise.all([store.getAllKeys('articles'), store.getAll('candidates')]);
  const present = new Set(keys);
  const facts = new Map<string, CandidateRow>();
  for (const r of rows) if (present.has(r.id)) facts.set(r.id, r);
  const missing = keys.filter((k) => !facts.has(k));
  for (let i = 0; i < missing.length; i += 500) {
    const read = store.transaction('articles');
    const batch = (await Promise.all(missing.slice(i, i + 500).map((k) => read.store.get(k)))).filter((a) => a !== undefined);
    await read.done;
    const made = batch.map(candidateRow);
    const write = store.transaction('candidates', 'readwrite');
    await Promise.all([...made.map((r) => write.store.put(r)), write.done]);
    for (const r of made) facts.set(r.id, r);
  }
  const aliasKeys = new Set<string>();
  const packs = await store.getAll('packs');
  if (packs.find((p) => p.id === SEED_PACK_ID)?.enabled !== false) for (const r of records) for (const a of r.aliases) aliasKeys.add(normalize(a.text));
  const enabled = new Set(packs.filter((p) => p.enabled).map((p) => p.id));
  for (const e of await store.getAll('entities')) if (enabled.has(e.pack)) for (const a of e.aliases) aliasKeys.add(normalize(a.text));
  const dismissed = new Set(await store.getAllKeys('dismissed'));
  const list = rankStoredProposals([...facts.values()], { known: knownByAliases(aliasKeys), dismissed, limit });
  // The sentences of the proposals shown, read from their articles.
  const wanted = [...new Set(list.flatMap((p) => p.evidence.map((ev) => ev.article)))];
  const tx = store.transaction('articles');
  const texts = new Map((await Promise.all(wanted.map((id) => tx.store.get(id)))).filter((a) => a !== undefined).map((a) => [a.id, a.text]));
  await tx.done;
  for (const p of list) for (const ev of p.evidence) ev.sentence = sentenceAt(texts.get(ev.article) ?? '', ev.at);
  return { proposals: list, articles: keys.length, ms: Math.round(performance.now() - started) };
}

async function handle(req: DictionaryWorkerRequest): Promise<DictionaryWorkerReply> {
  db ??= openCoverageDb();
  const store = await db;
  try {
    if (req.kind === 'export') return { id: req.id, ...(await exportPack(store, req.pack, req.ids, req.reader)) };
    if (req.kind === 'proposals') return { id: req.id, ...(await proposals(store, req.limit)) };
    const parsed = await read(req.file, req.token);
    if (req.kind === 'preview') return { id: req.id, preview: await previewPack(store, parsed, req.readerId) };
    const result = await applyPack(store, parsed, req.readerId);
    lastRead = null;
    return { id: req.id, result };
  } catch (error) {
    if (error instanceof PackFileError) return { id: req.id, errors: error.errors };
    return { id: req.id, failure: error instanceof Error ? error.message : String(error) };
  }
}

self.onmessage = (e: MessageEvent<DictionaryWorkerRequest>) => {
  void handle(e.data).then((reply) => self.postMessage(reply));
};
