// Entry point for `import ... from "@wardgate/guard"` (asc resolves a
// package import to its index.ts).
export * from "./assembly/index";
