/** A WebAssembly text module as vite-wat-plugin.ts offers it: the assembled bytes in base64. */
declare module '*.wat' {
  const base64: string;
  export default base64;
}
