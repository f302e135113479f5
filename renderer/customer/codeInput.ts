import { ref, watch, type Ref } from 'vue';

/**
 * The model of a one-time code field. A Japanese IME in full-width mode types １２３４５６, and a pasted
 * code may carry a space or a hyphen ("123 456"): both become the ASCII digits the server compares,
 * instead of a form the browser refuses or a code the server calls wrong.
 */
export function useCodeInput(): Ref<string> {
  const code = ref('');
  watch(code, (typed) => {
    const digits = typed.normalize('NFKC').replace(/[\s\-‐－ー]/g, '');
    if (digits !== typed) code.value = digits;
  });
  return code;
}
