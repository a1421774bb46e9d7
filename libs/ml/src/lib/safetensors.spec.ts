import { must } from '../testing/fixtures';
import { readSafetensors, SafetensorsError, writeSafetensors } from './safetensors';

/** A file written by hand, as the format defines it (not by our writer). */
function handWritten(header: object, data: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips F32 tensors and metadata, header aligned to 8 bytes', () => {
    const tensors = new Map([
      ['b', { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-8, -7]) }],
      ['a', { shape: [1], data: new Float32Array([42]) }],
    ]);
    const bytes = writeSafetensors(tensors, { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect([...back.tensors.keys()].sort()).toEqual(['a', 'b']);
    expect(back.tensors.get('b')).toEqual(tensors.get('b'));
  });

  it('reads F16 and BF16 (little-endian) as float32', () => {
    // F16: 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800; BF16: 1.0 = 0x3f80, -3.0 = 0xc040.
    const data = new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38, 0x80, 0x3f, 0x40, 0xc0]);
    const file = handWritten({ h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] }, b: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] } }, data);
    const { tensors } = readSafetensors(file);
    expect([...must(tensors.get('h'), 'h').data]).toEqual([1, -2, 0.5]);
    expect([...must(tensors.get('b'), 'b').data]).toEqual([1, -3]);
  });

  it('refuses broken files with a clear error', () => {
    expect(() => readSafetensors(new Uint8Array(4))).toThrow(SafetensorsError);
    expect(() => readSafetensors(handWritten({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)))).toThrow(/I64/);
    expect(() => readSafetensors(handWritten({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 8] } }, new Uint8Array(8)))).toThrow(/data_offsets/);
  });
});
