/**
 * A value that carries its canonical text, made once when the value is made: JSON and string
 * coercion give the text, so a plan or a config printed as JSON, or put into a message, reads as
 * the text forms did before they became values.
 */
export abstract class TextValue {
  abstract readonly text: string;

  toJSON(): string {
    return this.text;
  }

  toString(): string {
    return this.text;
  }
}
