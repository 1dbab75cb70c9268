/// <reference types="astro/client" />

// Plain tsc (the test command's type check) does not know .astro files; the Astro compiler
// checks their templates. This lets TypeScript modules import components, as the tests do.
declare module '*.astro' {
  import type { AstroComponentFactory } from 'astro/runtime/server/index.js';
  const component: AstroComponentFactory;
  export default component;
}
