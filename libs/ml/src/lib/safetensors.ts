/**
 * The safetensors file format, by hand: an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}`, then the raw
 * little-endian data (offsets relative to the end of the header). Read: F32, F16, BF16 (widened to
 * float32), I32/I64 are refused with a clear message; written: F32 only.
 */
export interface NamedArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export type TensorMap = ReadonlyMap<string, NamedArray>;

export class SafetensorsError extends Error {}

interface HeaderEntry {
  readonly dtype: string;
  readonly shape: number[];
  readonly data_offsets: [number, number];
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function readSafetensors(bytes: Uint8Array): { tensors: Map<string, NamedArray>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new SafetensorsError('safetensors: file shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw new SafetensorsError(`safetensors: header length ${headerLength} runs past the file`);
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as typeof header;
  } catch {
    throw new SafetensorsError('safetensors: the header is not JSON');
  }
  const start = 8 + headerLength;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as HeaderEntry;
    const width = BYTES[entry.dtype];
    if (!width) throw new SafetensorsError(`safetensors: tensor ${name} has dtype ${entry.dtype} (supported: F32, F16, BF16)`);
    const [begin, end] = entry.data_offsets;
    const count = size(entry.shape);
    if (end - begin !== count * width || start + end > bytes.length) throw new SafetensorsError(`safetensors: tensor ${name} has bad data_offsets`);
    const data = new Float32Array(count);
    const at = start + begin;
    if (entry.dtype === 'F32') for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, true);
    else if (entry.dtype === 'F16') for (let i = 0; i < count; i++) data[i] = halfToFloat(view.getUint16(at + 2 * i, true));
    else {
      const widen = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        widen.setUint32(0, view.getUint16(at + 2 * i, true) << 16);
        data[i] = widen.getFloat32(0);
      }
    }
    tensors.set(name, { shape: entry.shape, data });
  }
  return { tensors, metadata };
}

/** F32, tensors in name order, header padded with spaces to a multiple of 8 (as the reference writer does). */
export function writeSafetensors(tensors: TensorMap, metadata?: Record<string, string>): Uint8Array {
  const entries = [...tensors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata) header['__metadata__'] = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    if (t.data.length !== size(t.shape)) throw new SafetensorsError(`safetensors: tensor ${name} has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  let text = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(text.length / 8) * 8;
  if (padded !== text.length) text = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - text.length));
  const out = new Uint8Array(8 + text.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  let at = 8 + text.length;
  for (const [, { data }] of entries) {
    for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i], true);
    at += 4 * data.length;
  }
  return out;
}
