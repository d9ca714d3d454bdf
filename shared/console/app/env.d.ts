/** esbuild bundles the stylesheet the entry imports into app-<hash>.css. */
declare module '*.css';
