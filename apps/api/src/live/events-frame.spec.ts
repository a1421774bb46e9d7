import { textFrameHeader } from './events-frame';

/** RFC 6455 §5.2: 7-bit length up to 125, 126 + 16-bit up to 65535, 127 + 64-bit beyond. */
describe('textFrameHeader', () => {
  it.each([
    [0, [0x81, 0]],
    [125, [0x81, 125]],
    [126, [0x81, 126, 0x00, 126]],
    [65535, [0x81, 126, 0xff, 0xff]],
    [65536, [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
    [2 ** 32 + 5, [0x81, 127, 0, 0, 0, 1, 0, 0, 0, 5]],
  ])('frames %i payload bytes', (length, bytes) => {
    expect([...textFrameHeader(length)]).toEqual(bytes);
  });
});
