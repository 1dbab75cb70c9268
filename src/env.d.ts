/// <reference types="astro/client" />

// Plain tsc (the test command's type check) does not know .astro files; the Astro compiler
// checks their templates. This lets TypeScript modules import components, as the tests do.
declare module '*.astro' {
  import type { AstroComponentFactory } from 'astro/runtime/server/index.js';
  const component: AstroComponentFactory;
  export default component;
}

declare namespace App {
  interface Locals {
    /** Set by a page the search index reads (a check page, a report): src/site/search-records.ts. */
    searchRecord?: import('./site/search-records.ts').SearchRecordMark;
  }
}
