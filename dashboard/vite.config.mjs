// Built with `deno task dashboard:build`; served by the API at /ui/dashboard/ and deployable as static files.
export default {
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 400 },
};
