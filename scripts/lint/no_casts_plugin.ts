/**
 * A `deno lint` plugin for the user-facing example (`examples/five_tasks.ts`): it fails on every
 * type assertion (`x as T`, `<T>x`) and non-null assertion (`x!`), so the example proves the API
 * types what the server returns without the caller helping. `as const` is allowed.
 *
 * @module
 */
const plugin: Deno.lint.Plugin = {
  name: "kubeweb-example",
  rules: {
    "no-casts": {
      create(context) {
        return {
          TSAsExpression(node) {
            const t = node.typeAnnotation;
            if (
              t.type === "TSTypeReference" && t.typeName.type === "Identifier" && t.typeName.name === "const"
            ) {
              return;
            }
            context.report({ node, message: "Type assertion: the API should type this without a cast" });
          },
          TSTypeAssertion(node) {
            context.report({ node, message: "Type assertion: the API should type this without a cast" });
          },
          TSNonNullExpression(node) {
            context.report({ node, message: "Non-null assertion: the API should type this as present" });
          },
        };
      },
    },
  },
};
export default plugin;
