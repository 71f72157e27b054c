/** Test support: the message of the InputError a call throws (failing the test if it throws none). */
import { expect } from "vitest";
import { InputError } from "../../src/errors.js";

export function inputErrorMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).message;
  }
  throw new Error("expected an InputError");
}
