import { describe, expect, it, vi } from 'vitest';
import { copyText } from './copy';

describe('copyText', () => {
  it('uses the Clipboard API when there is one', async () => {
    const writeText = vi.fn(async () => {});
    const selectAndCopy = vi.fn(() => true);
    await expect(copyText('s3cret', { clipboard: { writeText }, selectAndCopy })).resolves.toBe('copied');
    expect(writeText).toHaveBeenCalledWith('s3cret');
    expect(selectAndCopy).not.toHaveBeenCalled();
  });

  it('falls back to selecting and copying when the Clipboard API refuses', async () => {
    const writeText = vi.fn(async () => {
      throw new DOMException('denied', 'NotAllowedError');
    });
    const selectAndCopy = vi.fn(() => true);
    await expect(copyText('s3cret', { clipboard: { writeText }, selectAndCopy })).resolves.toBe('copied');
    expect(selectAndCopy).toHaveBeenCalledOnce();
  });

  it('falls back when there is no Clipboard API (plain http on another host)', async () => {
    const selectAndCopy = vi.fn(() => true);
    await expect(copyText('s3cret', { clipboard: undefined, selectAndCopy })).resolves.toBe('copied');
    await expect(copyText('s3cret', { clipboard: null, selectAndCopy })).resolves.toBe('copied');
  });

  it('leaves the text selected for Ctrl+C when the browser refuses both ways', async () => {
    const selectAndCopy = vi.fn(() => false);
    await expect(copyText('s3cret', { clipboard: null, selectAndCopy })).resolves.toBe('selected');
  });
});
