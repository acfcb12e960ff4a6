// ESLint flat config. It lives in scripts/ (the top level of the repository holds no tool configs), so every run
// names it: `eslint --config scripts/eslint.config.js` (as `npm run lint` does). File patterns below are relative to
// the repository's root, which `basePath` sets whatever the working directory.
//
// What it carries: ESLint's and typescript-eslint's recommended rules with typed linting against the project's
// tsconfig.json, the React, hooks and jsx-a11y rules of the Remix templates, and the layers of the code (README,
// "Map of the code") as import boundaries that fail the build.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "eslint/config";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import jsxA11y from "eslint-plugin-jsx-a11y";
import globals from "globals";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Kysely's query builders: a file that calls one holds SQL. */
const QUERY_BUILDERS = "selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto";

const noKysely = {
  name: "kysely",
  message: "Queries belong in app/models: call a model function instead of building SQL here.",
};
const noModels = {
  regex: "^(~/|(\\.\\./)+)models(/|$)",
  message: "This layer may not import app/models (see the README's map of the code).",
};
const noDbSchema = {
  regex: "^((\\.\\./)+|/)?db/",
  message: "Only app/models (and db/, scripts/, test/) may use the database's schema.",
};

export default defineConfig(
  {
    basePath: root,
    ignores: ["build/**", "public/build/**", "node_modules/**", ".cache/**", "data/**", "test-results/**"],
  },
  {
    basePath: root,
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
      globals: { ...globals.node, ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Typed rules (they need the program): a cast the types already guarantee is noise and hides real ones.
      "@typescript-eslint/no-unnecessary-type-assertion": "error",
      "@typescript-eslint/no-floating-promises": [
        "error",
        // node:test's test() and describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["test", "it", "describe", "suite", "before", "after"] },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { fixStyle: "inline-type-imports", disallowTypeAnnotations: false },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Migrations take Kysely<any>, as Kysely documents: they must not depend on today's schema types.
    basePath: root,
    files: ["db/migrations/**/*.ts", "db/migrate.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    basePath: root,
    files: ["app/**/*.tsx"],
    extends: [react.configs.flat.recommended, react.configs.flat["jsx-runtime"], jsxA11y.flatConfigs.recommended],
    plugins: { "react-hooks": reactHooks },
    settings: {
      react: { version: "detect" },
      formComponents: ["Form"],
      linkComponents: [
        { name: "Link", linkAttribute: "to" },
        { name: "NavLink", linkAttribute: "to" },
      ],
    },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      // TypeScript checks the props.
      "react/prop-types": "off",
      // Only the characters that are likely a typo in JSX text; apostrophes and quotes are prose.
      "react/no-unescaped-entities": ["error", { forbid: [">", "}"] }],
    },
  },
  {
    basePath: root,
    files: ["app/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },

  // ---- Layers -------------------------------------------------------------------------------------------------
  // Each folder gets one no-restricted-imports (a later entry for the same file would replace an earlier one).
  {
    basePath: root,
    files: ["app/domain/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "kysely", message: "app/domain is pure: no database." },
            { name: "better-sqlite3", message: "app/domain is pure: no database." },
            { name: "react", message: "app/domain is pure: no React." },
          ],
          patterns: [
            {
              regex: "^~/(?!domain/|utils/zod$)",
              message: "app/domain imports only app/domain (and ~/utils/zod, which only configures zod).",
            },
            {
              regex: "^\\.\\./(?!utils/zod$)",
              message:
                "app/domain imports only app/domain (and ~/utils/zod): import other domain folders as ~/domain/….",
            },
            { regex: "^@remix-run/", message: "app/domain is pure: no Remix." },
            { regex: "^node:", message: "app/domain is pure: no Node APIs." },
          ],
        },
      ],
    },
  },
  {
    basePath: root,
    files: ["app/utils/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            noModels,
            {
              regex: "^(~/|(\\.\\./)+)(http|routes|components)(/|$)",
              message: "app/utils sits below the models: it may not import app/http, routes or components.",
            },
          ],
        },
      ],
    },
  },
  {
    basePath: root,
    files: ["app/models/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(~/|(\\.\\./)+)(http|routes|components)(/|$)",
              message: "app/models may import domain, utils and db only.",
            },
          ],
        },
      ],
    },
  },
  {
    basePath: root,
    files: ["app/routes/**/*.{ts,tsx}", "app/http/**/*.{ts,tsx}", "app/root.tsx", "app/entry.server.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            noKysely,
            {
              name: "~/utils/db.server",
              importNames: ["DB", "Executor"],
              message: "Queries belong in app/models: pass getDb() to a model function.",
            },
          ],
          patterns: [noDbSchema],
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: `CallExpression[callee.property.name=/^(${QUERY_BUILDERS})$/]`,
          message: "Queries belong in app/models: call a model function instead of building SQL here.",
        },
      ],
    },
  },
  {
    basePath: root,
    files: ["app/components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [noKysely, { name: "~/utils/db.server", message: "Components get their data from the loader." }],
          patterns: [
            noModels,
            noDbSchema,
            {
              regex: "^(~/|(\\.\\./)+)(http|routes)(/|$)",
              message: "Components import domain and utils types only.",
            },
          ],
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: `CallExpression[callee.property.name=/^(${QUERY_BUILDERS})$/]`,
          message: "Components get their data from the loader; queries belong in app/models.",
        },
      ],
    },
  }
);
