/**
 * On pages made from each seed article, in real Chromium and Firefox ESR: every entity form the
 * dictionary build found in the seed is highlighted as its entity's kind, and hovering each
 * distinct form opens the card of that entity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser } from '../support/browsers.ts';
import { haveBuilds, haveChromium, haveFirefox } from '../support/paths.ts';
import { pointAtHighlight, readCardTitle, readHighlights, waitCardHidden } from '../support/page-probes.ts';
import { loadSeedPages, seedPageHtml } from '../support/seed-pages.ts';
import { startServer, type TestServer } from '../support/server.ts';

const { seeds, expected } = loadSeedPages();

for (const [name, launch, available] of [
  ['chromium', launchChromium, haveChromium],
  ['firefox', launchFirefox, haveFirefox],
] as const) {
  describe.skipIf(!available || !haveBuilds)(`seed pages in ${name}`, () => {
    let browser: TestBrowser;
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
      for (const s of seeds) server.route(`/seed/${s.meta.file}.html`, seedPageHtml(s));
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    for (const seed of seeds) {
      it(`highlights every entity form of ${seed.meta.file} and explains it`, async () => {
        const page = await browser.newPage();
        await page.goto(server.url(`/seed/${seed.meta.file}.html`));
        const seen = await page.evaluate(readHighlights, 10_000);
        const want = expected.get(seed.meta.file)!;
        expect(want.length).toBeGreaterThan(10);
        expect(seen.map((h) => `${h.kind}: ${h.text}`)).toEqual(want.map((h) => `${h.kind}: ${h.text}`));

        const forms = new Map(want.map((h) => [h.text, h.entityName]));
        for (const [form, entityName] of forms) {
          const point = await page.evaluate(pointAtHighlight, form);
          expect(point, form).not.toBeNull();
          await page.mouseMove(0, 0);
          expect(await (page.inUi(waitCardHidden, 2000, 0).then((hidden) => hidden ?? true)), 'card closes when the pointer leaves').toBe(true);
          await page.mouseMove(point!.x, point!.y);
          expect(await page.inUi(readCardTitle, { expected: entityName, timeoutMs: 3000 }), `card for "${form}"`).toBe(entityName);
        }
        expect(page.errors).toEqual([]);
        expect(browser.outsideRequests).toEqual([]);
        await page.close();
      });
    }
  });
}
