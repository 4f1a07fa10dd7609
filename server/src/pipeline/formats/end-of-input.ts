/**
 * A read that failed only because the input ended too early: inside a JSON value, a quoted CSV cell or a UTF-8
 * character. A whole file that ends so is broken; the head of a file (the import wizard's first 64 KB) ends so by
 * design, and its reading stops there without an error.
 */
export class EndOfInputError extends Error {}
