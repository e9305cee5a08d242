/**
 * Vite plugin: assembles a WebAssembly text module (`*.wat`) when it is imported and offers its
 * bytes as base64 (`export default "AGFzbQ..."`). Inlined, a module needs no web-accessible file a
 * page could probe for, and it compiles synchronously where it is small. An assembly error fails the build.
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import wabt from 'wabt';

export function watPlugin(): Plugin {
  return {
    name: 'newsgloss-wat',
    async load(id) {
      if (!id.endsWith('.wat')) return undefined;
      const { parseWat } = await wabt();
      const module = parseWat(id, readFileSync(id, 'utf8'));
      try {
        module.validate();
        const { buffer } = module.toBinary({ write_debug_names: false });
        return `export default ${JSON.stringify(Buffer.from(buffer).toString('base64'))};`;
      } finally {
        module.destroy();
      }
    },
  };
}
