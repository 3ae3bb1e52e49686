/**
 * The subset of Thrift's compact protocol that a Parquet footer and page header need: structs of
 * i32, i64, binary, bool, nested structs and lists. Parquet metadata is small (a few KB), so a
 * growable byte list is simpler than preallocating.
 */

const CompactType = {
  BooleanTrue: 1,
  BooleanFalse: 2,
  I32: 5,
  I64: 6,
  Binary: 8,
  List: 9,
  Struct: 12,
} as const;
type CompactType = (typeof CompactType)[keyof typeof CompactType];

const textEncoder = new TextEncoder();

export class CompactWriter {
  private readonly bytes: number[] = [];
  private readonly lastFieldIds: number[] = [0];

  /** Writes `body` as a struct field (or, with `id` undefined, as a bare struct: a list element). */
  struct(id: number | undefined, body: (writer: this) => void): this {
    if (id !== undefined) this.fieldHeader(id, CompactType.Struct);
    this.lastFieldIds.push(0);
    body(this);
    this.bytes.push(0);
    this.lastFieldIds.pop();
    return this;
  }

  i32(id: number, value: number): this {
    this.fieldHeader(id, CompactType.I32);
    this.varint(zigzag(value));
    return this;
  }

  /** Only non-negative values fit here (offsets, sizes, counts): enough for Parquet's i64 fields. */
  i64(id: number, value: number): this {
    if (!(value >= 0) || !Number.isSafeInteger(value)) {
      throw new RangeError(`i64 field ${id}: ${value} is not a non-negative safe integer`);
    }
    this.fieldHeader(id, CompactType.I64);
    this.varint(value * 2);
    return this;
  }

  bool(id: number, value: boolean): this {
    this.fieldHeader(id, value ? CompactType.BooleanTrue : CompactType.BooleanFalse);
    return this;
  }

  binary(id: number, value: string | Uint8Array): this {
    this.fieldHeader(id, CompactType.Binary);
    this.rawBinary(value);
    return this;
  }

  listI32(id: number, values: readonly number[]): this {
    this.fieldHeader(id, CompactType.List);
    this.listHeader(values.length, CompactType.I32);
    for (const value of values) this.varint(zigzag(value));
    return this;
  }

  listBinary(id: number, values: readonly string[]): this {
    this.fieldHeader(id, CompactType.List);
    this.listHeader(values.length, CompactType.Binary);
    for (const value of values) this.rawBinary(value);
    return this;
  }

  listStruct<T>(id: number, items: readonly T[], body: (writer: this, item: T) => void): this {
    this.fieldHeader(id, CompactType.List);
    this.listHeader(items.length, CompactType.Struct);
    for (const item of items) this.struct(undefined, (writer) => body(writer, item));
    return this;
  }

  /** The encoded bytes of everything written so far (the outermost struct's stop byte included). */
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  private fieldHeader(id: number, type: CompactType): void {
    const last = this.lastFieldIds[this.lastFieldIds.length - 1]!;
    const delta = id - last;
    if (delta > 0 && delta <= 15) {
      this.bytes.push((delta << 4) | type);
    } else {
      this.bytes.push(type);
      this.varint(zigzag(id));
    }
    this.lastFieldIds[this.lastFieldIds.length - 1] = id;
  }

  private listHeader(size: number, type: CompactType): void {
    if (size < 15) {
      this.bytes.push((size << 4) | type);
    } else {
      this.bytes.push(0xf0 | type);
      this.varint(size);
    }
  }

  private rawBinary(value: string | Uint8Array): void {
    const bytes = typeof value === 'string' ? textEncoder.encode(value) : value;
    this.varint(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.bytes.push(bytes[i]!);
  }

  /** Unsigned LEB128 of a non-negative safe integer (Number arithmetic: no 32-bit truncation). */
  private varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.bytes.push(rest);
  }
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}
