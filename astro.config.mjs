// The audit site renders evidence/ and nothing else (DESIGN.md, "The site").
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';

export default defineConfig({
  output: 'static',
  integrations: [mdx()],
  trailingSlash: 'always',
  build: { format: 'directory' },
});
