import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'emulator/index': 'src/emulator/index.ts',
    'emulator/cli': 'src/emulator/cli.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  // One shared chunk per format keeps error classes single, so `instanceof` works across entries.
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['rxjs', 'openai'],
});
