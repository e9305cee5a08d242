/**
 * The coverage database as earlier versions of the extension left it, for upgrade tests: the
 * stores and indexes each version had, written out here rather than by the current upgrade code.
 */
import { openDB, type IDBPDatabase } from 'idb';

export function openOldCoverageDb(name: string, version: 1 | 2 | 3): Promise<IDBPDatabase> {
  return openDB(name, version, {
    upgrade(db) {
      const articles = db.createObjectStore('articles', { keyPath: 'id' });
      articles.createIndex('byEntity', 'entityIds', { multiEntry: true });
      articles.createIndex('bySavedAt', 'savedAt');
      if (version >= 2) {
        const mentions = db.createObjectStore('mentions', { keyPath: ['entity', 'published', 'id'] });
        mentions.createIndex('byArticle', 'id');
      }
      if (version >= 3) {
        const highlights = db.createObjectStore('highlights', { keyPath: 'id' });
        highlights.createIndex('bySource', 'source');
        highlights.createIndex('byModified', 'modified');
      }
    },
  });
}
