// ESLint over the browser scripts (static/js/) and their unit tests (tests/js/). The
// player's modules are ES modules; the other scripts are classic ones, loaded by <script>.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "staticfiles/", "data/", ".venv/"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
    // `catch (error)` with the error unused is how the older scripts say "ignore it".
    rules: { "no-unused-vars": ["error", { caughtErrors: "none" }] },
  },
  {
    files: ["static/js/player/**/*.js", "static/js/reader/**/*.js", "static/js/branding/**/*.js"],
    languageOptions: { sourceType: "module" },
  },
  {
    files: ["tests/js/**/*.mjs", "eslint.config.mjs"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
  {
    // The newer code; the admin's older scripts keep their `var`s.
    files: [
      "static/js/player/**/*.js",
      "static/js/reader/**/*.js",
      "static/js/branding/**/*.js",
      "tests/js/**/*.mjs",
    ],
    rules: {
      eqeqeq: "error",
      "no-var": "error",
      "prefer-const": "error",
    },
  },
];
