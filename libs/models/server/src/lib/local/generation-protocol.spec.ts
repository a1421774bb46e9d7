import { visibleText } from './generation-protocol';

describe('visibleText (what a streaming local generation may send so far)', () => {
  it('sends everything when no stop string can start at the end', () => {
    expect(visibleText('Solution: done', ['Next request.'])).toEqual({ text: 'Solution: done', stopped: false });
  });

  it('cuts at the first stop string and says so', () => {
    expect(visibleText('a STOP b END c', ['END', 'STOP'])).toEqual({ text: 'a ', stopped: true });
  });

  it('holds back a tail that may still become a stop string', () => {
    expect(visibleText('answer <CAMEL_TA', ['<CAMEL_TASK_DONE>'])).toEqual({ text: 'answer ', stopped: false });
    expect(visibleText('answer <', ['<CAMEL_TASK_DONE>', '<<'])).toEqual({ text: 'answer ', stopped: false });
  });

  it('holds back an incomplete UTF-8 character (decoded as U+FFFD)', () => {
    expect(visibleText('café \uFFFD', [])).toEqual({ text: 'café ', stopped: false });
  });
});
