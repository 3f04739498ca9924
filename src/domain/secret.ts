import { inspect } from 'node:util';

/**
 * Wraps a sensitive value so that logging, string interpolation and JSON serialisation only ever show a
 * redacted form. The clear value is reachable only through `reveal()`, which is easy to grep for.
 */
export class Secret<T> {
  readonly #value: T;
  readonly #shown: string;

  constructor(value: T, shown = '[secret]') {
    this.#value = value;
    this.#shown = shown;
  }

  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return this.#shown;
  }

  toJSON(): string {
    return this.#shown;
  }

  [inspect.custom](): string {
    return `Secret(${this.#shown})`;
  }
}
