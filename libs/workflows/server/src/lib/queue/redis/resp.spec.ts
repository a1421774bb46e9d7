import { RedisReplyError, RespDecoder, RespProtocolError, encodeCommand, type RespValue } from './resp';

describe('RESP', () => {
  it('encodes a command as an array of bulk strings, buffers byte for byte', () => {
    expect(encodeCommand('SET', ['k', 12, Buffer.from([0, 255])]).toString('latin1')).toBe('*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n12\r\n$2\r\n\u0000\u00ff\r\n');
  });

  it('decodes every reply type however the bytes are split, errors inside arrays included', () => {
    const wire = Buffer.from('+OK\r\n:42\r\n$4\r\nhé!\r\n$-1\r\n*-1\r\n*3\r\n$1\r\na\r\n*2\r\n:1\r\n-ERR inner\r\n*0\r\n-NOSCRIPT no script\r\n');
    const all = (chunkSize: number) => {
      const replies: RespValue[] = [];
      const decoder = new RespDecoder((value) => replies.push(value));
      for (let i = 0; i < wire.length; i += chunkSize) decoder.push(wire.subarray(i, i + chunkSize));
      return replies;
    };
    for (const size of [1, 2, 3, 7, wire.length]) {
      const replies = all(size);
      expect(replies.slice(0, 5)).toEqual(['OK', 42, 'hé!', null, null]);
      expect(replies[5]).toEqual(['a', [1, expect.any(RedisReplyError)], []]);
      expect(((replies[5] as RespValue[])[1] as RespValue[])[1]).toMatchObject({ message: 'ERR inner' });
      expect(replies[6]).toMatchObject({ message: 'NOSCRIPT no script' });
      expect(replies).toHaveLength(7);
    }
  });

  it('refuses bytes that are not RESP', () => {
    const decoder = new RespDecoder(() => undefined);
    expect(() => decoder.push(Buffer.from('HTTP/1.1 400\r\n'))).toThrow(RespProtocolError);
  });
});
